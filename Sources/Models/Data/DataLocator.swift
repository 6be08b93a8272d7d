// Finding a dataset's files on disk. Models never reads the environment: Worker passes the folders of
// `SWEEP_DATA` in as search paths. Folders are tried in a fixed order and the first one that holds every
// file wins, so all files of a dataset come from one copy.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The files a dataset needs and the folder names it may live under.
public struct DataFiles: Equatable, Sendable {
    /// Sub-folder names tried under each root, e.g. `["mnist", "MNIST/raw"]` (the second is
    /// torchvision's download layout).
    public var folders: [String]
    /// Each file the dataset needs, by its accepted names (the first is the usual one). Every name is
    /// also accepted with `.gz` appended; a plain copy is preferred when both exist.
    public var files: [[String]]

    public init(folders: [String], files: [[String]]) {
        self.folders = folders
        self.files = files
    }

    /// A file's accepted names in words: `train.txt[.gz] or ptb.train.txt[.gz]`.
    static func describe(_ names: [String]) -> String { names.map { $0 + "[.gz]" }.joined(separator: " or ") }
}

/// Resolves `DataFiles` to paths.
public enum DataLocator {
    /// Folders searched last, each with the dataset's sub-folder names: Debian's dataset packages install
    /// under `/usr/share/datasets` (`dataset-fashion-mnist` → `/usr/share/datasets/fashion-mnist`).
    public static let standardRoots = ["/usr/share/datasets", "/usr/local/share/datasets"]

    /// The folders tried, in order: `dataPath` itself, then `dataPath/<folder>` for each sub-folder name;
    /// then `<root>/<folder>` for each search path, then for each standard root. A search path or standard
    /// root never matches directly: MNIST and Fashion-MNIST (and PTB and WikiText-2) use the same file
    /// names, so only the sub-folder tells them apart.
    public static func candidates(_ files: DataFiles, dataPath: String?, searchPaths: [String],
                                  standardRoots: [String] = standardRoots) -> [String] {
        var folders: [String] = []
        func add(_ folder: String) { if !folders.contains(folder) { folders.append(folder) } }
        if let dataPath, !dataPath.isEmpty {
            add(dataPath)
            for name in files.folders { add(join(dataPath, name)) }
        }
        for root in searchPaths where !root.isEmpty {
            for name in files.folders { add(join(root, name)) }
        }
        for root in standardRoots {
            for name in files.folders { add(join(root, name)) }
        }
        return folders
    }

    /// The path of each file in `files.files`, all in the first candidate folder that holds them all.
    /// - Throws: `DataError` `.incompleteFolder` when a folder holds only some of the files (the first
    ///   such folder is named), `.bzip2Only` when a file exists only as `.bz2`, else `.missingFiles`
    ///   listing every folder searched.
    public static func locate(_ files: DataFiles, dataPath: String?, searchPaths: [String],
                              standardRoots: [String] = standardRoots) throws -> [String] {
        let folders = candidates(files, dataPath: dataPath, searchPaths: searchPaths, standardRoots: standardRoots)
        var incomplete: DataError?
        var compressedOnly: DataError?
        for folder in folders where isDirectory(folder) {
            var found: [String] = [], missing: [String] = []
            for names in files.files {
                if let path = resolve(names, in: folder) {
                    found.append(path)
                } else {
                    missing.append(DataFiles.describe(names))
                    if compressedOnly == nil, let bz2 = names.lazy.map({ join(folder, $0 + ".bz2") }).first(where: isFile) {
                        compressedOnly = DataError(.bzip2Only(path: bz2), file: bz2)
                    }
                }
            }
            if missing.isEmpty { return found }
            if incomplete == nil && !found.isEmpty {
                incomplete = DataError(.incompleteFolder(folder: folder, missing: missing))
            }
        }
        if let compressedOnly { throw compressedOnly }
        if let incomplete { throw incomplete }
        throw DataError(.missingFiles(names: files.files.map(DataFiles.describe), searched: folders))
    }

    private static func resolve(_ names: [String], in folder: String) -> String? {
        for name in names {
            let path = join(folder, name)
            if isFile(path) { return path }
            if isFile(path + ".gz") { return path + ".gz" }
        }
        return nil
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    private static func isFile(_ path: String) -> Bool { mode(path).map { $0 == S_IFREG } ?? false }
    private static func isDirectory(_ path: String) -> Bool { mode(path).map { $0 == S_IFDIR } ?? false }

    /// The file type bits of `path`, following symbolic links; nil when it does not exist.
    private static func mode(_ path: String) -> mode_t? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return status.st_mode & S_IFMT
    }
}
