// Word-level corpora in the PTB / WikiText-2 layout (seeds.md §1.13; the PyTorch word_language_model
// example's `data.py`): each line becomes its whitespace-separated words plus `<eos>`, and one vocabulary
// grows over train, then valid, then test in first-seen order. Lines and words are cut exactly as Python's
// `for line in open(path, encoding="utf8")` and `line.split()` cut them, so the ids match the reference's.

/// Reads word-level text corpora into `TokenSplits`.
public enum TextCorpus {
    /// The end-of-line token appended to every line.
    public static let endOfLine = "<eos>"

    /// The three files tokenised with one vocabulary (train first, then valid, then test).
    /// - Throws: `DataError` naming the file: a read error, `.encoding` (not UTF-8), or `.empty` when the
    ///   training file holds no line.
    public static func load(train: String, valid: String, test: String) throws -> TokenSplits {
        var vocabulary = Vocabulary()
        let trainTokens = try tokenize(FileBytes.read(train), file: train, into: &vocabulary)
        guard !trainTokens.isEmpty else { throw DataError(.empty(what: "the training text"), file: train) }
        let validTokens = try tokenize(FileBytes.read(valid), file: valid, into: &vocabulary)
        let testTokens = try tokenize(FileBytes.read(test), file: test, into: &vocabulary)
        return TokenSplits(vocabulary: vocabulary.words, train: trainTokens, valid: validTokens, test: testTokens)
    }

    /// The token ids of `text`, adding new words to `vocabulary`.
    ///
    /// Lines end at `\n`, `\r\n` or a lone `\r` (Python's universal newlines); a final line without a line
    /// break still counts, and an empty line gives a lone `<eos>`. Words are separated by what Python's
    /// `str.isspace` accepts: ASCII `\t \n \v \f \r`, `\x1c`–`\x1f`, space, and U+0085, U+00A0, U+1680,
    /// U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
    public static func tokenize(_ text: [UInt8], file: String, into vocabulary: inout Vocabulary) throws -> [Int32] {
        var tokens: [Int32] = []
        tokens.reserveCapacity(text.count / 5)
        try text.withUnsafeBufferPointer { bytes in
            let n = bytes.count
            var line = 1
            var wordStart = -1  // start of the word being read, or -1 between words
            var lineOpen = false  // the current line has content not yet closed by `<eos>`
            var i = 0
            func endWord(at end: Int) {
                if wordStart >= 0 {
                    tokens.append(vocabulary.id(UnsafeBufferPointer(rebasing: bytes[wordStart..<end])))
                    wordStart = -1
                }
            }
            while i < n {
                let byte = bytes[i]
                if byte == 0x0A || byte == 0x0D {
                    endWord(at: i)
                    // Looked up per line rather than once, so `<eos>` gets its id where it is first seen.
                    tokens.append(vocabulary.id(endOfLine))
                    lineOpen = false
                    line += 1
                    i += (byte == 0x0D && i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                    continue
                }
                lineOpen = true
                var length = 1
                let space: Bool
                if byte < 0x80 {
                    space = asciiSpace(byte)
                } else {
                    guard let (scalar, count) = decodeScalar(bytes, at: i) else { throw DataError(.encoding(line: line), file: file) }
                    length = count
                    space = unicodeSpace(scalar)
                }
                if space {
                    endWord(at: i)
                } else if wordStart < 0 {
                    wordStart = i
                }
                i += length
            }
            endWord(at: n)
            if lineOpen { tokens.append(vocabulary.id(endOfLine)) }
        }
        return tokens
    }

    /// Python's ASCII whitespace minus the line breaks handled before: `\t \v \f`, `\x1c`–`\x1f`, space.
    @inline(__always) private static func asciiSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0B || byte == 0x0C || (byte >= 0x1C && byte <= 0x1F)
    }

    @inline(__always) private static func unicodeSpace(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// The scalar of the multi-byte UTF-8 sequence at `i` and its length, or nil when it is not valid
    /// UTF-8 (a stray continuation byte, a truncated sequence, an overlong form, a surrogate, > U+10FFFF).
    private static func decodeScalar(_ bytes: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt32, Int)? {
        let lead = bytes[i]
        let length: Int, minimum: UInt32
        var scalar: UInt32
        switch lead {
        case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(lead & 0x1F)
        case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(lead & 0x0F)
        case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(lead & 0x07)
        default: return nil
        }
        guard i + length <= bytes.count else { return nil }
        for k in 1..<length {
            let continuation = bytes[i + k]
            guard continuation & 0xC0 == 0x80 else { return nil }
            scalar = scalar << 6 | UInt32(continuation & 0x3F)
        }
        guard scalar >= minimum, scalar <= 0x10FFFF, !(0xD800...0xDFFF).contains(scalar) else { return nil }
        return (scalar, length)
    }
}

/// Words and their ids, ids given in first-seen order.
public struct Vocabulary: Sendable {
    /// Id → word.
    public private(set) var words: [String] = []
    private var ids: [String: Int32] = [:]

    public init() {}

    /// The id of `word`, adding it when new.
    public mutating func id(_ word: String) -> Int32 {
        if let id = ids[word] { return id }
        let id = Int32(words.count)
        ids[word] = id
        words.append(word)
        return id
    }

    /// The id of the word spelled by `utf8` (valid UTF-8), adding it when new.
    mutating func id(_ utf8: UnsafeBufferPointer<UInt8>) -> Int32 {
        id(String(decoding: utf8, as: UTF8.self))
    }
}
