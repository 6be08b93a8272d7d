import Testing
import Models

@Suite struct TokenBatchesTests {
    /// The reference: `data.narrow(0, 0, n // bsz * bsz).view(bsz, -1).t()`, then for i in
    /// `range(0, rows − 1, bptt)`: `seq_len = min(bptt, rows − 1 − i)`, inputs rows i..<i+seq_len, targets +1.
    static func reference(_ tokens: [Int32], streams: Int, bptt: Int) -> [(inputs: [Int32], targets: [Int32])] {
        let rows = tokens.count / streams
        func at(_ t: Int, _ s: Int) -> Int32 { tokens[s * rows + t] }
        return stride(from: 0, to: rows - 1, by: bptt).map { i in
            let steps = min(bptt, rows - 1 - i)
            let inputs = (i..<(i + steps)).flatMap { t in (0..<streams).map { at(t, $0) } }
            let targets = ((i + 1)..<(i + 1 + steps)).flatMap { t in (0..<streams).map { at(t, $0) } }
            return (inputs, targets)
        }
    }

    @Test(arguments: [(23, 4, 2), (23, 4, 3), (100, 7, 5), (100, 1, 35), (10, 5, 1), (41, 3, 100)])
    func matchesTheReferenceBatching(count: Int, streams: Int, bptt: Int) throws {
        let tokens = (0..<count).map { Int32($0 * 3 % 17) }
        let batches = try TokenBatches(tokens: tokens, streams: streams, bptt: bptt, split: "train")
        let expected = Self.reference(tokens, streams: streams, bptt: bptt)
        #expect(batches.length == count / streams && batches.windowCount == expected.count)
        #expect(batches.targetCount == expected.reduce(0) { $0 + $1.targets.count })
        let windows = Array(batches)
        #expect(windows.count == expected.count)
        for (window, reference) in zip(windows, expected) {
            #expect(Array(window.inputs) == reference.inputs && Array(window.targets) == reference.targets)
            #expect(window.steps * streams == window.inputs.count && window.start == window.index * bptt)
        }
    }

    @Test func columnsAreContiguousStreams() throws {
        let batches = try TokenBatches(tokens: (0..<23).map(Int32.init), streams: 4, bptt: 2, split: "train")
        // 20 tokens kept, 5 per stream: stream s is tokens 5s…5s+4, laid out time-major.
        #expect(batches.length == 5)
        #expect(batches.layout == [0, 5, 10, 15, 1, 6, 11, 16, 2, 7, 12, 17, 3, 8, 13, 18, 4, 9, 14, 19])
        let last = batches.window(1)
        #expect(last.start == 2 && last.steps == 2 && Array(last.inputs) == [2, 7, 12, 17, 3, 8, 13, 18])
        #expect(Array(last.targets) == [3, 8, 13, 18, 4, 9, 14, 19])
    }

    @Test func resumesFromAWindowPosition() throws {
        let batches = try TokenBatches(tokens: (0..<200).map(Int32.init), streams: 4, bptt: 7, split: "train")
        var iterator = batches.makeIterator()
        _ = iterator.next(); _ = iterator.next(); _ = iterator.next()
        #expect(iterator.position == 3)
        let resumed = Array(IteratorSequence(batches.windows(from: iterator.position)))
        let rest = Array(IteratorSequence(iterator))
        #expect(resumed == rest && resumed.first?.index == 3 && resumed.count == batches.windowCount - 3)
        #expect(Array(IteratorSequence(batches.windows(from: batches.windowCount))).isEmpty)
    }

    @Test func tooFewTokensForTheStreams() throws {
        let error = try #require(throws: DataError.self) {
            try TokenBatches(tokens: Array(repeating: 1, count: 39), streams: 20, bptt: 35, split: "valid")
        }
        #expect(error.description == "the valid split has 39 tokens: too few for 20 streams of at least 2 tokens "
                + "(use a batch size of at most 19)")
    }
}
