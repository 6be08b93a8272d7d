// The sentence datasets of the catalog: SNLI and MultiWoZ from their files, and their built-in synthetic
// versions. The readers are SNLIReader, WordVectors, MultiWozReader and SyntheticSentences.
import Vocabulary
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

extension DatasetCatalog {
    static let snliFiles = DataFiles(folders: ["snli", "snli_1.0"],
                                     files: [["snli_1.0_train.jsonl"], ["snli_1.0_dev.jsonl"], ["snli_1.0_test.jsonl"]])

    static let snli: DatasetEntry = {
        let vectors = KeySpec("vectors", .string, absent: "none",
                              "GloVe/word2vec text file (word v1 … vd per line) for the frozen embedding, a path or a name next to the SNLI "
                                  + "files; words without a vector are dropped from the sentences, as the study does; without it, random vectors of word_emb_dim")
        let size = KeySpec("word_emb_dim", .integer(1...100_000), .number(300), "word-vector size (must match the vectors file)")
        let limit = { (key: String, what: String) in
            KeySpec(key, .integer(DatasetKeys.sizeRange), absent: "all", "use only the first this many \(what) pairs (with a gold label)")
        }
        let (trainSize, validSize, testSize) = (limit("train_size", "training"), limit("valid_size", "validation"), limit("test_size", "test"))
        return DatasetEntry(
            name: "snli", summary: "Stanford NLI sentence pairs (gold label; pairs without one dropped), 3 classes",
            settings: [DatasetKeys.dataPath, vectors, size, trainSize, validSize, testSize],
            source: "https://nlp.stanford.edu/projects/snli/snli_1.0.zip (snli_1.0_train.jsonl, snli_1.0_dev.jsonl, snli_1.0_test.jsonl); "
                + "vectors: https://nlp.stanford.edu/data/glove.840B.300d.zip",
            layout: layout(snliFiles),
            shapeOf: { settings in
                _ = try settings.dataPath()
                _ = try settings.integer(size)
                _ = try settings.given(vectors)
                _ = try settings.splitLimits()
                return .sentencePairs(classes: 3)
            },
            loader: { settings, seed, searchPaths in
                let paths = try DataLocator.locate(snliFiles, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                var vectorFile: String?
                if case let .string(path)? = try settings.given(vectors), !path.isEmpty {
                    // A relative name that is not found from the working folder is looked for next to the SNLI files.
                    let besideData = String(paths[0][..<(paths[0].lastIndex(of: "/") ?? paths[0].startIndex)]) + "/" + path
                    vectorFile = path.hasPrefix("/") || access(path, F_OK) == 0 || access(besideData, F_OK) != 0 ? path : besideData
                }
                return .sentencePairs(try SNLIReader.load(train: paths[0], valid: paths[1], test: paths[2], vectors: vectorFile,
                                                          vectorSize: try settings.integer(size),
                                                          limits: try settings.splitLimits(), seed: seed))
            })
    }()

    static let multiwoz: DatasetEntry = {
        let limit = { (key: String, what: String) in
            KeySpec(key, .integer(DatasetKeys.sizeRange), absent: "all", "use only the first this many \(what) dialogues")
        }
        let (trainSize, validSize, testSize) = (limit("train_size", "training"), limit("valid_size", "validation"), limit("test_size", "test"))
        return DatasetEntry(
            name: "multiwoz", summary: "MultiWoZ dialogue turns in the study's prepared form, with belief-state and database-pointer vectors",
            settings: [DatasetKeys.dataPath, trainSize, validSize, testSize],
            source: "the critical-gradient study's experiments/multiwoz_lstm data/ folder, made by its create_delex_data.py "
                + "(train_dials.json, val_dials.json, test_dials.json, input_lang/output_lang .word2index.json)",
            layout: layout(MultiWozReader.files),
            shapeOf: { settings in
                _ = try settings.dataPath()
                _ = try settings.splitLimits()
                return .dialogues
            },
            loader: { settings, _, searchPaths in
                let paths = try DataLocator.locate(MultiWozReader.files, dataPath: try settings.dataPath(), searchPaths: searchPaths)
                return .dialogues(try MultiWozReader.load(paths, limits: try settings.splitLimits()))
            })
    }()

    static let syntheticNLI: DatasetEntry = {
        let pairs = KeySpec("pairs", .integer(1...10_000_000), .number(3000), "training pairs; validation and test get a fifth as many each")
        let words = KeySpec("vocabulary", .integer(8...1_000_000), .number(60), "words (in antonym pairs)")
        let maxWords = KeySpec("max_words", .integer(3...1000), .number(8), "longest premise, in words")
        let size = KeySpec("word_emb_dim", .integer(1...100_000), .number(16), "size of the random word vectors")
        @Sendable func make(_ settings: Settings) throws -> SyntheticNLI {
            SyntheticNLI(pairs: try settings.integer(pairs), vocabulary: try settings.integer(words), maxWords: try settings.integer(maxWords),
                         vectorSize: try settings.integer(size), seed: UInt64(try settings.integer(DatasetKeys.dataSeed)))
        }
        return DatasetEntry(
            name: "synthetic_nli", summary: "built-in sentence pairs: entailment, neutral, contradiction by a word rule (no download)",
            settings: [pairs, words, maxWords, size, DatasetKeys.dataSeed], source: nil, layout: nil,
            shapeOf: { settings in
                _ = try make(settings)
                return .sentencePairs(classes: 3)
            },
            loader: { settings, _, _ in .sentencePairs(try make(settings).make()) })
    }()

    static let syntheticDialogue: DatasetEntry = {
        let dialogues = KeySpec("dialogues", .integer(1...10_000_000), .number(300),
                                "training dialogues (2 to 5 turns each); validation and test get a fifth as many each")
        let words = KeySpec("vocabulary", .integer(8...1_000_000), .number(30), "words of the input and of the output vocabulary")
        let maxWords = KeySpec("max_words", .integer(1...1000), .number(6), "longest user utterance, in words")
        let db = KeySpec("db_size", .integer(1...1000), .number(6), "database-pointer size")
        let bs = KeySpec("bs_size", .integer(1...1000), .number(8), "belief-state size")
        @Sendable func make(_ settings: Settings) throws -> SyntheticDialogue {
            let v = try settings.integer(words), dbSize = try settings.integer(db), bsSize = try settings.integer(bs)
            guard v >= max(dbSize, bsSize) else {
                throw SettingError(key: "vocabulary", "\(v) is less than db_size and bs_size; use at least \(max(dbSize, bsSize))")
            }
            return SyntheticDialogue(dialogues: try settings.integer(dialogues), vocabulary: v, maxWords: try settings.integer(maxWords),
                                     dbSize: dbSize, bsSize: bsSize, seed: UInt64(try settings.integer(DatasetKeys.dataSeed)))
        }
        return DatasetEntry(
            name: "synthetic_dialogue", summary: "built-in dialogues whose responses follow from the words and db/bs vectors (no download)",
            settings: [dialogues, words, maxWords, db, bs, DatasetKeys.dataSeed], source: nil, layout: nil,
            shapeOf: { settings in
                _ = try make(settings)
                return .dialogues
            },
            loader: { settings, _, _ in .dialogues(try make(settings).make()) })
    }()
}
