import Testing
import Models
import Vocabulary

@Suite struct SyntheticTextTests {
    @Test func sizesVocabularyAndDeterminism() {
        let text = SyntheticText(vocabulary: 50, tokens: 5000, branching: 3, seed: 2)
        let a = text.make(), b = text.make()
        #expect(a.train.count >= 5000 && a.train.count <= 5000 + 17)
        #expect(a.valid.count >= 500 && a.test.count >= 500)
        #expect(a.vocabulary == b.vocabulary && a.train == b.train && a.test == b.test)
        #expect(a.vocabulary.count <= 51 && a.vocabulary.contains("<eos>"))
        #expect(SyntheticText(vocabulary: 50, tokens: 5000, branching: 3, seed: 3).make().train != a.train)
        // Ids in first-seen order over train, valid, test: each new id is one more than the largest before.
        var largest: Int32 = -1
        for id in a.train + a.valid + a.test {
            #expect(id <= largest + 1)
            largest = max(largest, id)
        }
        #expect(Int(largest) == a.vocabulary.count - 1)
    }

    /// Inside a sentence each word has at most `branching` successors, and sentences are 4 to 16 words.
    @Test func hasTheChainsStructure() {
        let splits = SyntheticText(vocabulary: 40, tokens: 20_000, branching: 3, seed: 0).make()
        let eos = Int32(splits.vocabulary.firstIndex(of: "<eos>")!)
        var successors: [Int32: Set<Int32>] = [:]
        var length = 0
        var previous: Int32?
        for id in splits.train {
            if id == eos {
                #expect((4...16).contains(length))
                length = 0
                previous = nil
                continue
            }
            if let previous { successors[previous, default: []].insert(id) }
            previous = id
            length += 1
        }
        #expect(successors.values.allSatisfy { $0.count <= 3 })
        #expect(successors.values.contains { $0.count == 3 })
    }

    @Test func catalogKeysAndChecks() throws {
        let settings = Settings(["vocabulary": .number(30), "tokens": .number(1000), "branching": .number(2)])
        guard case let .tokens(splits) = try DatasetCatalog.load(name: "synthetic_text", settings: settings, seed: 5, searchPaths: []) else {
            Issue.record("not tokens"); return
        }
        #expect(splits.train == SyntheticText(vocabulary: 30, tokens: 1000, branching: 2, seed: 0).make().train)
        #expect(try DatasetCatalog.shape(name: "synthetic_text", settings: settings) == .tokens)
        let error = try #require(throws: DataError.self) {
            try DatasetCatalog.shape(name: "synthetic_text", settings: Settings(["vocabulary": .number(3), "branching": .number(5)]))
        }
        #expect(error.description == "synthetic_text: branching: 5 is more than the vocabulary (3); use at most 3")
        // A batched corpus: the default sizes give enough tokens for the seeds' 20 streams × bptt 35.
        guard case let .tokens(defaults) = try DatasetCatalog.load(name: "synthetic_text", settings: Settings(), seed: 0, searchPaths: []) else {
            Issue.record("not tokens"); return
        }
        #expect(TokenBatch.windowCount(tokens: defaults.valid.count, streams: 20, bptt: 35) > 10)
    }
}
