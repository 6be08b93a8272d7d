// Why a dataset could not be loaded: the error data (which file, what was found, what was expected) and
// its English rendering, kept in one place. Every reader throws these; nothing in Data/ traps on bad input,
// so a missing or corrupt file fails the run that needed it and never the sweep.
import Vocabulary

/// A dataset that cannot be loaded: what is wrong, in which file, and where to get a good copy.
///
/// Rendered as `FILE: PROBLEM` plus a `hint:` line naming the source (a URL or a Debian package) when
/// the dataset is known, e.g.
///
///     /data/mnist/train-images-idx3-ubyte.gz: bad magic number 0x00000801 (expected 0x00000803: …)
///     hint: mnist comes from https://…; set data_path to the folder that holds its files
public struct DataError: Error, Equatable, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Problem: Equatable, Sendable {
        /// No searched folder holds every file. `names` lists each missing file by its accepted names.
        case missingFiles(names: [String], searched: [String])
        /// A folder holds some of the dataset's files but not these.
        case incompleteFolder(folder: String, missing: [String])
        /// Only a bzip2-compressed copy was found (`sweep` reads plain and gzip files).
        case bzip2Only(path: String)
        /// The operating system refused to open or read the file.
        case unreadable(reason: String)
        /// The gzip stream is corrupt or ends early.
        case gzip(String)
        /// The first bytes are not the format's magic number.
        case badMagic(found: UInt32, expected: UInt32, meaning: String)
        /// The file is shorter (or longer) than its header promises.
        case wrongLength(expected: Int, found: Int, what: String)
        /// The file size is not a whole number of fixed-size records.
        case recordSize(size: Int, recordSize: Int, layout: String)
        /// The file's header announces a shape other than the dataset's.
        case unexpectedShape(found: [Int], expected: [Int])
        /// A class label outside `0..<classes` (`item` is the 0-based record number).
        case labelOutOfRange(label: Int, item: Int, classes: Int)
        /// Two files of one split disagree on the number of samples.
        case countMismatch(images: Int, labels: Int, labelFile: String)
        /// A CSV header lacks a column the dataset needs.
        case missingColumn(column: String, header: [String])
        /// A CSV row has the wrong number of fields.
        case fieldCount(line: Int, found: Int, expected: Int)
        /// A field that should hold a number does not.
        case badNumber(line: Int, column: String, text: String)
        /// A LIBSVM token that is not `index:value` with an index in range.
        case badToken(line: Int, token: String, expected: String)
        /// A LIBSVM label outside the dataset's label set.
        case badLabel(line: Int, text: String, expected: String)
        /// Text that is not valid UTF-8.
        case encoding(line: Int)
        /// A file or split with nothing usable in it.
        case empty(what: String)
        /// A token stream too short to be cut into `streams` columns of at least two tokens.
        case tooFewTokens(split: String, tokens: Int, streams: Int)
        /// A setting that cannot be used (an out-of-range value, or values that contradict each other).
        case setting(SettingError)
        /// A dataset name the catalog does not know.
        case unknownDataset(name: String, valid: [String])
    }

    public var problem: Problem
    /// The file concerned (absolute or as given), or nil when the problem is not about one file.
    public var file: String?
    /// The dataset being loaded, filled in by the catalog.
    public var dataset: String?
    /// Where a good copy of the data comes from, filled in by the catalog.
    public var source: String?

    public init(_ problem: Problem, file: String? = nil, dataset: String? = nil, source: String? = nil) {
        self.problem = problem
        self.file = file
        self.dataset = dataset
        self.source = source
    }

    public var description: String {
        var text = ""
        if let file { text += file + ": " } else if let dataset { text += dataset + ": " }
        text += problem.message
        if let source { text += "\nhint: \(dataset ?? "the dataset") comes from \(source); set data_path to the folder that holds its files" }
        return text
    }
}

extension DataError.Problem {
    /// The problem in words: what was found and what would be right.
    public var message: String {
        func hex(_ x: UInt32) -> String {
            let digits = String(x, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
        }
        switch self {
        case let .missingFiles(names, searched):
            let folders = searched.isEmpty ? "no folders" : searched.joined(separator: ", ")
            return "missing \(names.joined(separator: ", ")) (searched \(folders))"
        case let .incompleteFolder(folder, missing):
            return "\(folder) holds part of the dataset but not \(missing.joined(separator: ", "))"
        case let .bzip2Only(path):
            return "only a bzip2 copy was found; sweep reads plain or gzip files: run `bunzip2 -k \(path)`"
        case let .unreadable(reason):
            return "cannot read the file (\(reason))"
        case let .gzip(reason):
            return "corrupt gzip data: \(reason)"
        case let .badMagic(found, expected, meaning):
            return "bad magic number \(hex(found)) (expected \(hex(expected)): \(meaning))"
        case let .wrongLength(expected, found, what):
            let how = found < expected ? "truncated" : "too long"
            return "\(how): \(what) needs \(expected) bytes, the file has \(found)"
        case let .recordSize(size, recordSize, layout):
            return "size \(size) bytes is not a positive multiple of the \(recordSize)-byte record (\(layout))"
        case let .unexpectedShape(found, expected):
            return "holds items of shape \(found.map(String.init).joined(separator: "×")), expected "
                + expected.map(String.init).joined(separator: "×")
        case let .labelOutOfRange(label, item, classes):
            return "label \(label) of item \(item) is outside 0…\(classes - 1)"
        case let .countMismatch(images, labels, labelFile):
            return "holds \(images) samples but \(labelFile) holds \(labels) labels"
        case let .missingColumn(column, header):
            return "no column \"\(column)\" (header has: \(header.joined(separator: ", ")))"
        case let .fieldCount(line, found, expected):
            return "line \(line): \(found) fields, expected \(expected) as in the header"
        case let .badNumber(line, column, text):
            return "line \(line), column \"\(column)\": \"\(text)\" is not a finite number"
        case let .badToken(line, token, expected):
            return "line \(line): bad token \"\(token)\" (expected \(expected))"
        case let .badLabel(line, text, expected):
            return "line \(line): label \"\(text)\" (expected \(expected))"
        case let .encoding(line):
            return "line \(line) is not valid UTF-8"
        case let .empty(what):
            return "\(what) is empty"
        case let .tooFewTokens(split, tokens, streams):
            return "the \(split) split has \(tokens) tokens: too few for \(streams) streams of at least 2 tokens "
                + "(use a batch size of at most \(tokens / 2))"
        case let .setting(error):
            return error.description
        case let .unknownDataset(name, valid):
            return "unknown dataset \"\(name)\" (valid: \(valid.joined(separator: ", ")))"
        }
    }
}
