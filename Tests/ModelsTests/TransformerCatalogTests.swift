// transformer_lm and roberta_lm as the worker builds them from a configuration's keys.
import Foundation
import Testing
import Models
import TestSupport
import Vocabulary

@Suite struct TransformerCatalogTests {
    func make(_ name: String, _ values: [String: KeyValue] = [:], vocabulary: Int = 50) throws -> any Network {
        try ModelCatalog.make(name: name, settings: Settings(values), inputShape: [], classes: 0, vocabulary: vocabulary, seed: 0)
    }

    @Test func transformerSizesFromKeys() throws {
        let model = try #require(try make("transformer_lm", ["layers": .number(3), "width": .number(24), "heads": .number(3),
                                                             "context": .number(16)]) as? TransformerLanguageModel)
        #expect(model.shape.layers == 3 && model.shape.width == 24 && model.shape.heads == 3 && model.shape.ffn == 96)
        #expect(model.bptt == 16 && model.shape.vocabulary == 50 && model.shape.layout == .preNorm)
        #expect(model.parameters.slots.first?.name == "wte.weight")
        #expect(throws: ModelError.invalidSetting(model: "transformer_lm", SettingError(key: "heads", "heads 5 must divide width 24"))) {
            try make("transformer_lm", ["width": .number(24), "heads": .number(5)])
        }
        #expect(throws: ModelError.self) { try ModelCatalog.make(name: "transformer_lm", settings: Settings([:]), inputShape: [4],
                                                                 classes: 2, vocabulary: nil, seed: 0) }
    }

    @Test func robertaSeededOrFromCheckpoint() throws {
        let seeded = try #require(try make("roberta_lm", ["layers": .number(1), "width": .number(16), "heads": .number(2),
                                                          "context": .number(8)]) as? TransformerLanguageModel)
        #expect(seeded.shape.layout == .postNorm && seeded.shape.positions == 10 && !seeded.shape.padsInTokens)
        #expect(seeded.parameters.slots.first?.name == "roberta.embeddings.word_embeddings.weight")

        let folder = Fixtures.folder("checkpoints").appendingPathComponent("roberta_tiny").path
        let loaded = try #require(try make("roberta_lm", ["checkpoint": .string(folder), "context": .number(7), "dropout": .number(0)],
                                           vocabulary: 13) as? TransformerLanguageModel)
        #expect(loaded.shape.vocabulary == 13 && loaded.shape.width == 8 && loaded.shape.padsInTokens)
        #expect(throws: ModelError.self) { try make("roberta_lm", ["checkpoint": .string(folder)], vocabulary: 14) }
        #expect(throws: ModelError.self) { try make("roberta_lm", ["checkpoint": .string(folder + "/nothing-here")], vocabulary: 13) }
        #expect(throws: ModelError.self) { try make("roberta_lm", ["checkpoint": .string(folder), "width": .number(8)], vocabulary: 13) }
    }
}
