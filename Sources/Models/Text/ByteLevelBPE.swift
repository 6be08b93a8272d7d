// RoBERTa's (GPT-2's) byte-level BPE tokenizer, read from `vocab.json` and `merges.txt`:
//
//     text → pre-tokens (GPT-2's pattern: contractions, ` ?letters`, ` ?digits`, ` ?other`, spaces)
//          → UTF-8 bytes of each, each byte written as one printable character (bytes_to_unicode)
//          → merges applied by rank (lowest first) until none applies → ids from vocab.json
//
// RoBERTa wraps a text as `<s> … </s>`. Decoding maps the characters back to bytes.
import Foundation

/// A byte-level BPE tokenizer (GPT-2 / RoBERTa). Not thread-safe: it caches the pieces it has seen.
public final class ByteLevelBPE {
    /// Token → id (vocab.json).
    public let vocabulary: [String: Int32]
    /// Id → token.
    private let tokens: [Int32: String]
    /// "left right" → rank (the line of merges.txt, first merge 0).
    private let ranks: [String: Int]
    private var cache: [String: [Int32]] = [:]
    /// `<s>`, `</s>`, `<pad>`, `<unk>` ids (RoBERTa: 0, 2, 1, 3).
    public let bos: Int32, eos: Int32, pad: Int32, unk: Int32

    /// RoBERTa's special tokens, written as they are when decoding.
    static let specialTokens: Set<String> = ["<s>", "</s>", "<pad>", "<unk>", "<mask>"]

    /// GPT-2's pre-tokenisation pattern.
    private static let pattern = try! NSRegularExpression(
        pattern: #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#)

    /// GPT-2's `bytes_to_unicode`: printable Latin-1 bytes stand for themselves; the other 68 bytes
    /// (controls, space, …) become U+0100 onwards in byte order (space → Ġ, newline → Ċ).
    static let byteCharacters: [Character] = {
        let kept = Set(Array(33...126) + Array(161...172) + Array(174...255))
        var next = 256
        return (0..<256).map { byte in
            if kept.contains(byte) { return Character(Unicode.Scalar(UInt8(byte))) }
            defer { next += 1 }
            return Character(Unicode.Scalar(UInt32(next))!)
        }
    }()
    static let characterBytes: [Character: UInt8] = Dictionary(uniqueKeysWithValues: byteCharacters.enumerated().map { ($1, UInt8($0)) })

    /// Reads `vocab.json` (a JSON object token → id) and `merges.txt` (one `left right` pair a line in
    /// rank order; a first line starting with `#version` is skipped).
    public init(vocabJSON: Data, merges: String) throws {
        guard let object = try? JSONSerialization.jsonObject(with: vocabJSON), let table = object as? [String: Any] else {
            throw CheckpointError.badTokenizer("vocab.json is not a JSON object")
        }
        var vocabulary: [String: Int32] = [:], tokens: [Int32: String] = [:]
        for (token, value) in table {
            guard let id = (value as? NSNumber)?.int32Value else { throw CheckpointError.badTokenizer("vocab.json: \(token) has no integer id") }
            vocabulary[token] = id
            tokens[id] = token
        }
        var ranks: [String: Int] = [:]
        for (number, line) in merges.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("#version") || line.isEmpty { continue }
            let parts = line.split(separator: " ")
            guard parts.count == 2 else { throw CheckpointError.badTokenizer("merges.txt line \(number + 1) is not two symbols: \(line)") }
            let key = String(parts[0]) + " " + String(parts[1])
            if ranks[key] == nil { ranks[key] = ranks.count }
        }
        self.vocabulary = vocabulary
        self.tokens = tokens
        self.ranks = ranks
        func special(_ token: String, _ fallback: Int32) -> Int32 { vocabulary[token] ?? fallback }
        bos = special("<s>", 0)
        pad = special("<pad>", 1)
        eos = special("</s>", 2)
        unk = special("<unk>", 3)
    }

    /// Reads `vocab.json` and `merges.txt` from `folder` (a transformers checkpoint folder).
    public convenience init(folder: URL) throws {
        let vocab: Data, merges: String
        do {
            vocab = try Data(contentsOf: folder.appendingPathComponent("vocab.json"))
            merges = try String(contentsOf: folder.appendingPathComponent("merges.txt"), encoding: .utf8)
        } catch {
            throw CheckpointError.badTokenizer("cannot read vocab.json and merges.txt in \(folder.path): \(error.localizedDescription)")
        }
        try self.init(vocabJSON: vocab, merges: merges)
    }

    /// The ids of `text`, without `<s>` and `</s>` around it. Special tokens written in the text
    /// (`<pad>`, `<s>`, …, as the study's padded MultiWoZ files hold them) are their own ids, as
    /// transformers' tokenizer reads them; the text between them is byte-level BPE.
    public func encode(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        var rest = Substring(text)
        while let (range, token) = Self.specialTokens.compactMap({ token in rest.range(of: token).map { ($0, token) } })
            .min(by: { $0.0.lowerBound < $1.0.lowerBound }) {
            ids += encodeOrdinary(String(rest[..<range.lowerBound]))
            ids.append(vocabulary[token] ?? unk)
            rest = rest[range.upperBound...]
        }
        return ids + encodeOrdinary(String(rest))
    }

    /// Byte-level BPE of text without special tokens.
    private func encodeOrdinary(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        for piece in Self.preTokens(text) {
            if let known = cache[piece] {
                ids += known
                continue
            }
            let mapped = String(piece.utf8.map { Self.byteCharacters[Int($0)] })
            let found = bpe(mapped).map { vocabulary[$0] ?? unk }
            cache[piece] = found
            ids += found
        }
        return ids
    }

    /// RoBERTa's form of one text: `<s>` ids `</s>`.
    public func encodeRoberta(_ text: String) -> [Int32] { [bos] + encode(text) + [eos] }

    /// The token strings of ids (unknown ids as `<unk>`).
    public func tokenStrings(_ ids: [Int32]) -> [String] { ids.map { tokens[$0] ?? "<unk>" } }

    /// The text of ids: tokens joined, characters mapped back to bytes, UTF-8 decoded (invalid
    /// sequences become U+FFFD). Special tokens are written as they are.
    public func decode(_ ids: [Int32]) -> String {
        var bytes: [UInt8] = []
        for id in ids {
            let token = tokens[id] ?? "<unk>"
            if Self.specialTokens.contains(token) {
                bytes += Array(token.utf8)
                continue
            }
            for character in token { if let byte = Self.characterBytes[character] { bytes.append(byte) } else { bytes += Array(String(character).utf8) } }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// GPT-2's pre-tokens of `text`.
    static func preTokens(_ text: String) -> [String] {
        let string = text as NSString
        return pattern.matches(in: text, range: NSRange(location: 0, length: string.length)).map { string.substring(with: $0.range) }
    }

    /// The BPE symbols of one mapped piece: merge the adjacent pair of lowest rank, everywhere it occurs
    /// (left to right, without overlap), until no adjacent pair has a rank.
    func bpe(_ word: String) -> [String] {
        var symbols = word.map { String($0) }
        while symbols.count > 1 {
            var best: (rank: Int, left: String, right: String)?
            for i in 0..<(symbols.count - 1) {
                if let rank = ranks[symbols[i] + " " + symbols[i + 1]], rank < (best?.rank ?? .max) {
                    best = (rank, symbols[i], symbols[i + 1])
                }
            }
            guard let best else { break }
            var merged: [String] = []
            var i = 0
            while i < symbols.count {
                if i + 1 < symbols.count && symbols[i] == best.left && symbols[i + 1] == best.right {
                    merged.append(best.left + best.right)
                    i += 2
                } else {
                    merged.append(symbols[i])
                    i += 1
                }
            }
            symbols = merged
        }
        return symbols
    }
}
