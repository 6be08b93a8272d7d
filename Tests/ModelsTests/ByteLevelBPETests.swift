// RoBERTa's byte-level BPE against the reference tokenizers library: Tests/Fixtures/tokenizer holds a
// small vocab.json + merges.txt it trained and its tokenisations of sentences with contractions,
// numbers, runs of spaces, newlines, accents, CJK and emoji (scripts/make-bpe-fixtures.py). Each is
// reproduced token for token, and decoding gives the text back.
import Foundation
import Testing
import Models
import TestSupport

@Suite struct ByteLevelBPETests {
    static let folder = Fixtures.folder("tokenizer")

    static func cases() throws -> [[String: Any]] {
        let data = try Data(contentsOf: folder.appendingPathComponent("cases.json"))
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [[String: Any]] ?? []
    }

    @Test func reproducesTheReferenceTokenisations() throws {
        let tokenizer = try ByteLevelBPE(folder: Self.folder)
        let cases = try Self.cases()
        try #require(cases.count >= 5, "Tests/Fixtures/tokenizer/cases.json is missing or empty")
        for entry in cases {
            let text = try #require(entry["text"] as? String)
            let ids = try #require(entry["ids"] as? [Int]).map { Int32($0) }
            let tokens = try #require(entry["tokens"] as? [String])
            let got = tokenizer.encodeRoberta(text)
            #expect(tokenizer.tokenStrings(got) == tokens, "\(text.debugDescription)")
            #expect(got == ids, "\(text.debugDescription)")
            #expect(tokenizer.decode(Array(got.dropFirst().dropLast())) == text)
        }
    }

    /// The byte alphabet is GPT-2's: space is Ġ, newline Ċ, printable ASCII itself; and every one of
    /// the 256 bytes round-trips through encode and decode.
    @Test func byteAlphabet() throws {
        let tokenizer = try ByteLevelBPE(folder: Self.folder)
        #expect(tokenizer.tokenStrings(tokenizer.encode(" ")) == ["Ġ"])
        #expect(tokenizer.tokenStrings(tokenizer.encode("\n")) == ["Ċ"])
        #expect(tokenizer.bos == 0 && tokenizer.pad == 1 && tokenizer.eos == 2 && tokenizer.unk == 3)
        let text = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self) + "é東😀"
        #expect(tokenizer.decode(tokenizer.encode(text)) == text)
    }

    @Test func malformedFilesAreRefused() {
        #expect(throws: CheckpointError.self) { try ByteLevelBPE(vocabJSON: Data("[]".utf8), merges: "") }
        #expect(throws: CheckpointError.self) { try ByteLevelBPE(vocabJSON: Data("{\"a\": 0}".utf8), merges: "#version: 0.2\na b c\n") }
        #expect(throws: CheckpointError.self) { try ByteLevelBPE(folder: URL(fileURLWithPath: "/nonexistent")) }
    }
}
