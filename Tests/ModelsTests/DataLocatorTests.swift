// Where dataset files are found: data_path (directly or with the dataset's sub-folder), the caller's
// search paths (sub-folder only), then the standard places; and what a missing copy says.
import Testing
import Models
import Vocabulary

@Suite struct DataLocatorTests {
    static let files = DataFiles(folders: ["mnist", "MNIST/raw"], files: [["a.bin", "a-old.bin"], ["b.bin"]])

    @Test func candidateOrder() {
        let folders = DataLocator.candidates(Self.files, dataPath: "/p", searchPaths: ["/s1", "/s2/"], standardRoots: ["/usr/share/datasets"])
        #expect(folders == ["/p", "/p/mnist", "/p/MNIST/raw", "/s1/mnist", "/s1/MNIST/raw", "/s2/mnist", "/s2/MNIST/raw",
                            "/usr/share/datasets/mnist", "/usr/share/datasets/MNIST/raw"])
    }

    @Test func dataPathDirectlyOrWithSubfolder() throws {
        let folder = try DatasetTestFolder()
        try folder.write("direct/a.bin", [1])
        try folder.write("direct/b.bin.gz", [2])
        #expect(try DataLocator.locate(Self.files, dataPath: folder.file("direct"), searchPaths: [], standardRoots: [])
                == [folder.file("direct/a.bin"), folder.file("direct/b.bin.gz")])
        try folder.write("root/MNIST/raw/a-old.bin", [1])
        try folder.write("root/MNIST/raw/b.bin", [2])
        #expect(try DataLocator.locate(Self.files, dataPath: folder.file("root"), searchPaths: [], standardRoots: [])
                == [folder.file("root/MNIST/raw/a-old.bin"), folder.file("root/MNIST/raw/b.bin")])
    }

    @Test func plainCopyIsPreferredOverGzip() throws {
        let folder = try DatasetTestFolder()
        for name in ["a.bin", "a.bin.gz", "b.bin.gz", "b.bin"] { try folder.write("mnist/" + name, [0]) }
        #expect(try DataLocator.locate(Self.files, dataPath: nil, searchPaths: [folder.path], standardRoots: [])
                == [folder.file("mnist/a.bin"), folder.file("mnist/b.bin")])
    }

    @Test func searchPathsNeedTheSubfolder() throws {
        let folder = try DatasetTestFolder()
        try folder.write("a.bin", [1])
        try folder.write("b.bin", [2])
        let error = try #require(throws: DataError.self) {
            try DataLocator.locate(Self.files, dataPath: nil, searchPaths: [folder.path], standardRoots: [])
        }
        #expect(error.problem == .missingFiles(names: ["a.bin[.gz] or a-old.bin[.gz]", "b.bin[.gz]"],
                                               searched: [folder.file("mnist"), folder.file("MNIST/raw")]))
    }

    @Test func firstCompleteFolderWinsAndDataPathComesFirst() throws {
        let folder = try DatasetTestFolder()
        for root in ["one", "two"] {
            try folder.write(root + "/mnist/a.bin", [1])
            try folder.write(root + "/mnist/b.bin", [2])
        }
        try folder.write("partial/mnist/a.bin", [1])
        let found = try DataLocator.locate(Self.files, dataPath: folder.file("two"),
                                           searchPaths: [folder.file("partial"), folder.file("one")], standardRoots: [])
        #expect(found == [folder.file("two/mnist/a.bin"), folder.file("two/mnist/b.bin")])
        let fromSearch = try DataLocator.locate(Self.files, dataPath: nil, searchPaths: [folder.file("partial"), folder.file("one")],
                                                standardRoots: [])
        #expect(fromSearch == [folder.file("one/mnist/a.bin"), folder.file("one/mnist/b.bin")])
    }

    @Test func incompleteFolderSaysWhatIsMissing() throws {
        let folder = try DatasetTestFolder()
        try folder.write("mnist/a.bin", [1])
        let error = try #require(throws: DataError.self) {
            try DataLocator.locate(Self.files, dataPath: nil, searchPaths: [folder.path], standardRoots: [])
        }
        #expect(error.problem == .incompleteFolder(folder: folder.file("mnist"), missing: ["b.bin[.gz]"]))
        #expect(error.description == folder.file("mnist") + " holds part of the dataset but not b.bin[.gz]")
    }

    @Test func bzip2OnlyCopySaysHowToUnpackIt() throws {
        let folder = try DatasetTestFolder()
        let files = DataFiles(folders: ["covtype"], files: [["covtype"]])
        try folder.write("covtype/covtype.bz2", [0x42, 0x5A, 0x68])
        let error = try #require(throws: DataError.self) {
            try DataLocator.locate(files, dataPath: nil, searchPaths: [folder.path], standardRoots: [])
        }
        let path = folder.file("covtype/covtype.bz2")
        #expect(error.description == path + ": only a bzip2 copy was found; sweep reads plain or gzip files: run `bunzip2 -k \(path)`")
    }

    @Test func missingDatasetThroughTheCatalogNamesFoldersAndSource() throws {
        let folder = try DatasetTestFolder()
        let error = try #require(throws: DataError.self) {
            try DatasetCatalog.load(name: "cifar10", settings: Settings(["data_path": .string(folder.path)]), seed: 0,
                                    searchPaths: [])
        }
        guard case let .missingFiles(names, searched) = error.problem else { Issue.record("\(error)"); return }
        #expect(names.first == "data_batch_1.bin[.gz]" && names.last == "test_batch.bin[.gz]" && names.count == 6)
        #expect(searched.prefix(2) == [folder.path, folder.file("cifar10")])
        #expect(searched.contains("/usr/share/datasets/cifar-10-batches-bin"))
        #expect(error.description.hasPrefix("cifar10: missing data_batch_1.bin[.gz], data_batch_2.bin[.gz]"))
        #expect(error.description.hasSuffix("\nhint: cifar10 comes from https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz "
                                            + "(unpacks to cifar-10-batches-bin/); set data_path to the folder that holds its files"))
    }
}
