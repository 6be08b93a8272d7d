// A token stream cut for truncated backpropagation through time (seeds.md §1.13, the PyTorch
// word_language_model example's `batchify` and `get_batch`): the stream is truncated to a multiple of the
// batch size and laid out as `streams` contiguous columns; windows of `bptt` time steps (the last one
// shorter) are read along time, each with the next token as its target.

/// One window: time steps `start ..< start + steps` of every stream, and their next tokens.
public struct TokenWindow: Equatable, Sendable {
    /// The window's position in the epoch, 0-based (what a checkpoint stores to resume).
    public var index: Int
    /// The first time step.
    public var start: Int
    /// The window's length in time steps: `min(bptt, length − 1 − start)`.
    public var steps: Int
    /// `steps × streams` token ids, time-major: the token of stream `s` at step `t` is at `t·streams + s`.
    public var inputs: ArraySlice<Int32>
    /// The same shape, shifted one step later: `targets[t·streams + s]` follows `inputs[t·streams + s]`.
    public var targets: ArraySlice<Int32>
}

/// A split's tokens as `streams` parallel streams, read in windows of at most `bptt` steps.
///
///     let batches = try TokenBatches(tokens: splits.train, streams: 20, bptt: 35, split: "train")
///     for window in batches.windows(from: resumeAt) { … }  // hidden state carried between windows
///
/// Windows are slices of one time-major buffer, so iterating copies nothing.
public struct TokenBatches: Sequence, Sendable {
    /// Parallel streams (the batch size).
    public let streams: Int
    /// Time steps per stream: `tokens.count / streams`, the remainder dropped.
    public let length: Int
    /// The longest window.
    public let bptt: Int
    /// `length × streams` ids, time-major: stream `s` is the contiguous run
    /// `tokens[s·length ..< (s+1)·length]` of the original stream.
    public let layout: [Int32]

    /// - Throws: `DataError.Problem.tooFewTokens` when the streams would be shorter than 2 tokens
    ///   (a window needs an input and a target).
    public init(tokens: [Int32], streams: Int, bptt: Int, split: String) throws {
        precondition(streams >= 1 && bptt >= 1, "TokenBatches: streams \(streams), bptt \(bptt)")
        let length = tokens.count / streams
        guard length >= 2 else { throw DataError(.tooFewTokens(split: split, tokens: tokens.count, streams: streams)) }
        var layout = [Int32](repeating: 0, count: length * streams)
        for s in 0..<streams {
            for t in 0..<length { layout[t * streams + s] = tokens[s * length + t] }
        }
        self.streams = streams
        self.length = length
        self.bptt = bptt
        self.layout = layout
    }

    /// Windows per epoch: starts at 0, bptt, 2·bptt, … below `length − 1`.
    public var windowCount: Int { (length - 1 + bptt - 1) / bptt }

    /// Tokens predicted per epoch (`(length − 1) · streams`): the denominator of a mean loss per token.
    public var targetCount: Int { (length - 1) * streams }

    /// Window `index` (0 ≤ index < windowCount).
    public func window(_ index: Int) -> TokenWindow {
        precondition(index >= 0 && index < windowCount, "window \(index) of \(windowCount)")
        let start = index * bptt
        let steps = Swift.min(bptt, length - 1 - start)
        return TokenWindow(index: index, start: start, steps: steps,
                           inputs: layout[start * streams ..< (start + steps) * streams],
                           targets: layout[(start + 1) * streams ..< (start + 1 + steps) * streams])
    }

    /// Windows `first ..< windowCount`, to resume an epoch where a checkpoint left it.
    public func windows(from first: Int) -> Iterator {
        Iterator(batches: self, position: Swift.max(0, first))
    }

    public func makeIterator() -> Iterator { windows(from: 0) }

    /// Walks the windows in order; `position` is the index of the window it returns next.
    public struct Iterator: IteratorProtocol, Sendable {
        public let batches: TokenBatches
        public private(set) var position: Int

        public mutating func next() -> TokenWindow? {
            guard position < batches.windowCount else { return nil }
            defer { position += 1 }
            return batches.window(position)
        }
    }
}
