import Testing
import Models
import Vocabulary

@Suite struct TextCorpusTests {
    static func write(_ folder: DatasetTestFolder, _ sub: String, _ names: [String], _ texts: [String]) throws -> [String] {
        try zip(names, texts).map { try folder.write(sub + "/" + $0, text: $1) }
    }

    @Test func vocabularyInFirstSeenOrderOverTrainValidTest() throws {
        let folder = try DatasetTestFolder()
        let paths = try Self.write(folder, "ptb", ["train.txt", "valid.txt", "test.txt"],
                                   [" the cat sat \n the dog \n", " a cat \n", " the end \n"])
        let splits = try TextCorpus.load(train: paths[0], valid: paths[1], test: paths[2])
        #expect(splits.vocabulary == ["the", "cat", "sat", "<eos>", "dog", "a", "end"])
        #expect(splits.train == [0, 1, 2, 3, 0, 4, 3])
        #expect(splits.valid == [5, 1, 3])
        #expect(splits.test == [0, 6, 3])
    }

    /// Expected ids from Python 3: `for line in open(p, encoding="utf8"): line.split() + ['<eos>']` with one
    /// dictionary over the three files (universal newlines; `str.isspace` separators; U+200B is no space).
    @Test func linesAndWordsAreCutAsPythonCutsThem() throws {
        let folder = try DatasetTestFolder()
        let paths = try Self.write(folder, "c", ["train", "valid", "test"], [
            "the cat\tsat\r\non the\u{A0}mat\rthe\u{0B}end\n\n  dog\u{200B}go \u{3000} cat\u{1C}the",
            "a\u{85}b c\u{2028}d \n",
            "",
        ])
        let splits = try TextCorpus.load(train: paths[0], valid: paths[1], test: paths[2])
        #expect(splits.vocabulary == ["the", "cat", "sat", "<eos>", "on", "mat", "end", "dog\u{200B}go", "a", "b", "c", "d"])
        #expect(splits.train == [0, 1, 2, 3, 4, 0, 5, 3, 0, 6, 3, 3, 7, 1, 0, 3])
        #expect(splits.valid == [8, 9, 10, 11, 3])
        #expect(splits.test == [])
    }

    @Test func gzipCorpusReadsTheSame() throws {
        let folder = try DatasetTestFolder()
        let text = "one two\nthree one\n"
        let plain = try folder.write("p/train.txt", text: text)
        let packed = try folder.write("g/train.txt.gz", GzipTestWriter.compress(Array(text.utf8)))
        let a = try TextCorpus.load(train: plain, valid: plain, test: plain)
        let b = try TextCorpus.load(train: packed, valid: packed, test: packed)
        #expect(a.vocabulary == b.vocabulary && a.train == b.train && a.train == [0, 1, 2, 3, 0, 2])
    }

    @Test func invalidUTF8NamesTheLine() throws {
        let folder = try DatasetTestFolder()
        let good = try folder.write("good.txt", text: "fine\n")
        let bad = try folder.write("bad.txt", Array("ok\nstill ok\nbroken ".utf8) + [0xC3, 0x28] + Array(" here\n".utf8))
        let error = try #require(throws: DataError.self) { try TextCorpus.load(train: good, valid: bad, test: good) }
        #expect(error.description == bad + ": line 3 is not valid UTF-8")
        for sequence: [UInt8] in [[0x80], [0xE2, 0x82], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            var vocabulary = Vocabulary()
            #expect(throws: DataError.self) { try TextCorpus.tokenize(sequence, file: "x", into: &vocabulary) }
        }
    }

    @Test func emptyTrainingTextIsAnError() throws {
        let folder = try DatasetTestFolder()
        let empty = try folder.write("train.txt", text: "")
        let error = try #require(throws: DataError.self) { try TextCorpus.load(train: empty, valid: empty, test: empty) }
        #expect(error.description == empty + ": the training text is empty")
    }

    @Test func catalogAcceptsTheOriginalFileNamesAndCapsSplits() throws {
        let folder = try DatasetTestFolder()
        _ = try Self.write(folder, "wikitext-2", ["wiki.train.tokens", "wiki.valid.tokens", "wiki.test.tokens"],
                           [" = Title = \n \n a b c d e f \n", " b a \n", " z \n"])
        _ = try Self.write(folder, "ptb", ["ptb.train.txt", "ptb.valid.txt", "ptb.test.txt"], ["x y\n", "y\n", "x\n"])
        guard case let .tokens(wiki) = try DatasetCatalog.load(name: "wikitext2", settings: Settings(), seed: 0,
                                                               searchPaths: [folder.path]) else { Issue.record("not tokens"); return }
        #expect(wiki.vocabulary == ["=", "Title", "<eos>", "a", "b", "c", "d", "e", "f", "z"])
        #expect(wiki.train.count == 12 && wiki.valid == [4, 3, 2] && wiki.test == [9, 2])
        let capped = Settings(["train_size": .number(4), "valid_size": .number(1)])
        guard case let .tokens(small) = try DatasetCatalog.load(name: "wikitext2", settings: capped, seed: 0,
                                                                searchPaths: [folder.path]) else { Issue.record("not tokens"); return }
        #expect(small.train == [0, 1, 0, 2] && small.valid == [4] && small.test == [9, 2] && small.vocabulary == wiki.vocabulary)
        guard case let .tokens(ptb) = try DatasetCatalog.load(name: "ptb", settings: Settings(), seed: 0,
                                                              searchPaths: [folder.path]) else { Issue.record("not tokens"); return }
        #expect(ptb.vocabulary == ["x", "y", "<eos>"] && ptb.train == [0, 1, 2])
    }
}
