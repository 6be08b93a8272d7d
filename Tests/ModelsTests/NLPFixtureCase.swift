// The NLP fixtures (Tests/Fixtures/nlp/README.md) of the sentence models: discovery by listing the folder
// and reading each file's `model` field (other engineers' cases, RoBERTa say, live in the same folder),
// and typed access to the fields the SNLI and MultiWoZ cases share.
import Foundation
import Models
import TestSupport

/// One parsed `Tests/Fixtures/nlp/*.json` file.
struct NLPFixtureCase {
    static let family = "nlp"
    /// The `model` values of the SNLI cases, and the encoder each names.
    static let snliModels: [String: NLINet.Encoder] = [
        "snli_nlinet_lstm": .lstm, "snli_nlinet_convnet": .convnet, "snli_nlinet_infersent": .infersent,
    ]
    static let multiwozModels: Set<String> = ["multiwoz_seq2seq_attn"]

    /// The file names (no extension) of the cases whose `model` is one of `models`, sorted. A missing
    /// or unreadable folder gives one name that cannot load, so the parameterized test fails loudly
    /// instead of running no case.
    static func names(models: Set<String>) -> [String] {
        let folder = Fixtures.folder(family)
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            return ["<missing folder \(folder.path)>"]
        }
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            let name = String(file.dropLast(5))
            // An unreadable file is kept: loading it will fail and say why.
            guard let json = try? Fixtures.json(family, name) else { return name }
            return models.contains(json["model"] as? String ?? "") ? name : nil
        }
    }

    let name: String
    let json: [String: Any]

    init(_ name: String) throws {
        self.name = name
        json = try Fixtures.json(Self.family, name)
    }

    var model: String { json["model"] as? String ?? "" }
    var loss: Double { json["loss"] as? Double ?? .nan }
    var config: [String: Any] { json["config"] as? [String: Any] ?? [:] }

    func int(_ key: String, in object: [String: Any]? = nil) throws -> Int {
        guard let value = (object ?? config)[key] as? Int else { throw FixtureError("\(name): no integer \(key)") }
        return value
    }

    func ints(_ key: String) throws -> [Int32] {
        guard let value = json[key] as? [Int] else { throw FixtureError("\(name): no integer list \(key)") }
        return value.map { Int32($0) }
    }

    /// `{"shape", "value"}` at `key` (or in the given object).
    func tensor(_ key: String, in object: [String: Any]? = nil) throws -> (shape: [Int], value: [Double]) {
        guard let entry = (object ?? json)[key] as? [String: Any] else { throw FixtureError("\(name): no tensor \(key)") }
        return try ModelFixtureCase.tensor(entry, label: "\(name).\(key)")
    }

    func object(_ key: String) throws -> [String: Any] {
        guard let value = json[key] as? [String: Any] else { throw FixtureError("\(name): no object \(key)") }
        return value
    }

    /// A list of `{"name", "shape", "value"}`.
    func namedTensors(_ key: String) throws -> [(name: String, shape: [Int], value: [Double])] {
        guard let list = json[key] as? [[String: Any]] else { throw FixtureError("\(name): no list \(key)") }
        return try list.map { entry in
            guard let tensorName = entry["name"] as? String else { throw FixtureError("\(name).\(key): entry without a name") }
            let (shape, value) = try ModelFixtureCase.tensor(entry, label: "\(name).\(key).\(tensorName)")
            return (tensorName, shape, value)
        }
    }
}
