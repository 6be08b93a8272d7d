// The sentence datasets: SNLI's jsonl reader (gold labels, dropped pairs, the study's tokenisation and
// torchtext's vocabulary), the streaming word-vector reader, the MultiWoZ prepared form, the synthetic
// versions, and errors that name the damaged or missing file.
import Foundation
import Testing
import Models
import Vocabulary

@Suite struct SentenceDataTests {
    static func line(_ gold: String, _ s1: String, _ s2: String) -> String {
        "{\"annotator_labels\": [\"x\"], \"gold_label\": \"\(gold)\", \"sentence1\": \"\(s1)\", \"sentence2\": \"\(s2)\", \"pairID\": \"1\"}\n"
    }

    func snliFolder(vectors: String? = nil) throws -> DatasetTestFolder {
        let folder = try DatasetTestFolder()
        try folder.write("snli_1.0/snli_1.0_train.jsonl", text: Self.line("entailment", "A dog runs .", "A dog moves .")
            + Self.line("-", "A cat sleeps .", "Nobody knows .") + Self.line("contradiction", "A dog sleeps .", "A cat runs ."))
        try folder.write("snli_1.0/snli_1.0_dev.jsonl", text: Self.line("neutral", "A bird sings .", "A dog runs ."))
        try folder.write("snli_1.0/snli_1.0_test.jsonl", text: Self.line("entailment", "A dog runs .", "A dog runs ."))
        if let vectors { try folder.write("glove.txt", text: vectors) }
        return folder
    }

    func load(_ folder: DatasetTestFolder, _ values: [String: KeyValue] = [:]) throws -> SentencePairSplits {
        var settings = values
        settings["data_path"] = .string(folder.path)
        guard case let .sentencePairs(splits) = try DatasetCatalog.load(name: "snli", settings: Settings(settings), seed: 3, searchPaths: []) else {
            throw DataError(.empty(what: "not sentence pairs"))
        }
        return splits
    }

    @Test func snliPairsVocabularyAndLabels() throws {
        let splits = try load(try snliFolder(), ["word_emb_dim": .number(4)])
        // The pair without a gold label is dropped.
        #expect(splits.train.count == 2 && splits.valid.count == 1 && splits.test.count == 1)
        #expect(splits.train.labels == [2, 0] && splits.valid.labels == [1])
        // torchtext: specials, then train words by count (A 4, dog 3, . 4 …), ties alphabetical.
        #expect(Array(splits.vocabulary.prefix(4)) == ["<unk>", "<pad>", "<s>", "</s>"])
        #expect(Array(splits.vocabulary.dropFirst(4)) == [".", "A", "dog", "runs", "cat", "moves", "sleeps"])
        // <s> A dog runs . </s>
        #expect(Array(splits.train.premise[0]) == [2, 5, 6, 7, 4, 3])
        // "bird" and "sings" are not training words: <unk>.
        #expect(Array(splits.valid.premise[0]) == [2, 5, 0, 0, 4, 3])
        #expect(splits.vectors.count == splits.vocabulary.count * 4)
        #expect(splits.vectors[4..<8].allSatisfy { $0 == 0 }, "<pad> is the zero vector")
    }

    @Test func snliWithVectorsDropsWordsWithoutOne() throws {
        // No vector for "runs", "sleeps", "moves", "cat" nor "."; word2vec's header line is skipped.
        let vectors = "4 2\nA 0.5 1\ndog 1 2\nbird 3 4\nunused 9 9\n"
        let folder = try snliFolder(vectors: vectors)
        let splits = try load(folder, ["vectors": .string(folder.file("glove.txt")), "word_emb_dim": .number(2)])
        #expect(Array(splits.vocabulary.dropFirst(4)) == ["A", "dog"])
        #expect(Array(splits.train.premise[0]) == [2, 4, 5, 3])
        #expect(Array(splits.train.hypothesis[1]) == [2, 4, 3], "A cat runs . keeps only A")
        #expect(Array(splits.vectors[(4 * 2)..<(6 * 2)]) == [0.5, 1, 1, 2])
        // A bare name is also looked for next to the SNLI files.
        try folder.write("snli_1.0/beside.txt", text: vectors)
        let beside = try load(folder, ["vectors": .string("beside.txt"), "word_emb_dim": .number(2)])
        #expect(beside.vocabulary == splits.vocabulary && beside.vectors == splits.vectors)
        // A missing vector file fails, naming it.
        do {
            _ = try load(folder, ["vectors": .string(folder.file("nowhere.txt")), "word_emb_dim": .number(2)])
            Issue.record("a missing vector file was not reported")
        } catch let error as DataError {
            #expect(error.description.contains("nowhere.txt"), "\(error)")
        }
        // A vector size other than the file's is refused, naming the file.
        #expect(throws: DataError.self) { try load(folder, ["vectors": .string(folder.file("glove.txt")), "word_emb_dim": .number(3)]) }
    }

    @Test func snliErrorsNameTheFile() throws {
        let folder = try snliFolder()
        try folder.write("snli_1.0/snli_1.0_dev.jsonl", text: Self.line("neutral", "a", "b") + "{not json\n")
        do {
            _ = try load(folder)
            Issue.record("a damaged file was read")
        } catch let error as DataError {
            #expect(error.description.contains("snli_1.0_dev.jsonl") && error.description.contains("line 2"), "\(error)")
        }
        let empty = try DatasetTestFolder()
        do {
            _ = try load(empty)
            Issue.record("missing files were not reported")
        } catch let error as DataError {
            #expect(error.description.contains("snli_1.0_train.jsonl") && error.description.contains("stanford.edu/projects/snli"), "\(error)")
        }
    }

    @Test func wordVectorsStreamAndKeepOnlyWantedWords() throws {
        let folder = try DatasetTestFolder()
        var text = ""
        for i in 0..<2000 { text += "w\(i) \(Double(i)) \(Double(-i)) 0.25\n" }
        let path = try folder.write("vectors.txt", text: text)
        // A block size smaller than a line exercises lines that straddle blocks.
        let vectors = try WordVectors.read(path, wanted: ["w7", "w1999", "absent"], blockSize: 5)
        #expect(vectors.dimension == 3 && vectors.rows.count == 2 && vectors.values.count == 6)
        #expect(vectors.vector("w1999").map(Array.init) == [1999, -1999, 0.25])
        #expect(vectors.vector("absent") == nil)
        try folder.write("bad.txt", text: "a 1 2\nb 1 x\n")
        #expect(throws: DataError(.badNumber(line: 2, column: "vector of b", text: "x"), file: folder.file("bad.txt"))) {
            try WordVectors.read(folder.file("bad.txt"), wanted: ["b"])
        }
        try folder.write("short.txt", text: "a 1 2\nb 1\n")
        #expect(throws: DataError.self) { try WordVectors.read(folder.file("short.txt"), wanted: ["a"]) }
        #expect(throws: DataError.self) { try WordVectors.read(folder.file("missing.txt"), wanted: ["a"]) }
    }

    @Test func multiwozPreparedForm() throws {
        let folder = try DatasetTestFolder()
        let dial = """
        {"zz_first.json": {"usr": ["hello  there", "bye"], "sys": ["hi", "good bye"], "db": [[0, 1], [1, 0]], "bs": [[1, 0, 0], [0, 0, 1]]},
         "aa_second.json": {"usr": ["there"], "sys": ["bye"], "db": [[0, 0]], "bs": [[0, 1, 0]]}}
        """
        for name in ["train_dials.json", "val_dials.json", "test_dials.json"] { try folder.write(name, text: dial) }
        try folder.write("input_lang.word2index.json", text: "{\"_GO\": 0, \"_EOS\": 1, \"_UNK\": 2, \"_PAD\": 3, \"hello\": 4, \"there\": 5}")
        try folder.write("output_lang.word2index.json", text: "{\"_GO\": 0, \"_EOS\": 1, \"_UNK\": 2, \"_PAD\": 3, \"hi\": 4, \"bye\": 5}")
        guard case let .dialogues(splits) = try DatasetCatalog.load(name: "multiwoz", settings: Settings(["data_path": .string(folder.path)]),
                                                                    seed: 0, searchPaths: []) else {
            Issue.record("not dialogues")
            return
        }
        #expect(splits.inputVocabulary == ["_GO", "_EOS", "_UNK", "_PAD", "hello", "there"])
        // File order is kept (zz before aa); "hello  there" has an empty word (UNK), EOS appended.
        #expect(splits.train.dialogueStarts == [0, 2] && splits.train.count == 3)
        #expect(Array(splits.train.inputs[0]) == [4, 2, 5, 1])
        #expect(Array(splits.train.targets[1]) == [2, 5, 1], "good is unknown")
        #expect(splits.train.db == [0, 1, 1, 0, 0, 0] && splits.train.bsSize == 3)
        #expect(splits.train.responses == ["hi", "good bye", "bye"])
        // Batches of whole dialogues until more than `turns` turns; the partial rest is dropped.
        #expect(splits.train.dialogueBatches(moreThan: 1) == [0..<2])
        #expect(splits.train.dialogueBatches(moreThan: 0) == [0..<2, 2..<3])
        try folder.write("val_dials.json", text: "{\"x\": {\"usr\": [\"a\"]}}")
        #expect(throws: DataError.self) {
            try DatasetCatalog.load(name: "multiwoz", settings: Settings(["data_path": .string(folder.path)]), seed: 0, searchPaths: [])
        }
    }

    @Test func syntheticDatasets() throws {
        guard case let .sentencePairs(pairs) = try DatasetCatalog.load(name: "synthetic_nli", settings: Settings(["pairs": .number(100)]),
                                                                       seed: 0, searchPaths: []) else {
            Issue.record("not pairs")
            return
        }
        #expect(pairs.train.count == 100 && pairs.valid.count == 20 && pairs.classes == 3)
        #expect(Set(pairs.train.labels) == [0, 1, 2])
        #expect(pairs.vectorSize == 16 && pairs.vectors.count == pairs.vocabulary.count * 16)
        let again = SyntheticNLI(pairs: 100).make()
        #expect(again.train.premise == pairs.train.premise, "fixed by data_seed")
        guard case let .dialogues(dialogues) = try DatasetCatalog.load(name: "synthetic_dialogue", settings: Settings(), seed: 0,
                                                                       searchPaths: []) else {
            Issue.record("not dialogues")
            return
        }
        #expect(dialogues.train.dialogueStarts.count == 300 && dialogues.dbSize == 6 && dialogues.bsSize == 8)
        #expect(dialogues.train.inputs.tokens.allSatisfy { $0 != DialogueSplits.padding })
        var batch = DialogueBatch()
        batch.gather(from: dialogues.train, indices: 0..<3)
        #expect(batch.count == 3 && batch.db.count == 18 && batch.inputs.count == 3 * batch.inputSteps)
    }
}
