// Reading an alternate_sg fixture (Tests/Fixtures/altsg/README.md): tensors as {"shape", "value"},
// named tensor lists, and which cases a family holds. Every size comes from the file.
import Foundation
import TestSupport

/// One parsed `Tests/Fixtures/altsg/*.json` file, or a file of the same format in another family
/// (`torch`: our PyTorch references for what the original's cases do not cover).
struct AltSGFixtureCase {
    static let family = "altsg"
    let name: String
    let json: [String: Any]

    init(_ name: String, family: String = Self.family) throws {
        self.name = name
        json = try Fixtures.json(family, name)
    }

    /// The case names whose `model` key is one of `models`, sorted. An unreadable file is kept (its test
    /// then fails loudly) rather than skipped; a missing folder gives none, which AltSGFixtureDiscoveryTests
    /// reports.
    static func names(models: Set<String>, family: String = Self.family) -> [String] {
        ((try? Fixtures.names(family)) ?? []).filter { name in
            guard let json = try? Fixtures.json(family, name) else { return true }
            return models.contains(json["model"] as? String ?? "")
        }
    }

    var model: String { json["model"] as? String ?? "" }
    var loss: Double { json["loss"] as? Double ?? .nan }

    /// `{"shape", "value"}` at `key` of `object` (default: the file).
    func tensor(_ key: String, in object: [String: Any]? = nil) throws -> (shape: [Int], value: [Double]) {
        guard let entry = (object ?? json)[key] as? [String: Any] else { throw FixtureError("\(name): no tensor \(key)") }
        return try Self.tensor(entry, label: "\(name).\(key)")
    }

    /// A list of `{"shape", "value"}` tensors at `key` of `object`.
    func tensors(_ key: String, in object: [String: Any]? = nil) throws -> [[Double]] {
        guard let list = (object ?? json)[key] as? [[String: Any]] else { throw FixtureError("\(name): no tensor list \(key)") }
        return try list.enumerated().map { try Self.tensor($1, label: "\(name).\(key)[\($0)]").value }
    }

    static func tensor(_ entry: [String: Any], label: String) throws -> (shape: [Int], value: [Double]) {
        guard let shape = entry["shape"] as? [Int], let value = entry["value"] as? [Double] else {
            throw FixtureError("\(label): shape or value missing")
        }
        guard shape.reduce(1, *) == value.count else { throw FixtureError("\(label): \(value.count) values for shape \(shape)") }
        return (shape, value)
    }

    /// A list of `{"name", "shape", "value"}` at `key` of `object` (params, grads, sg_params).
    func namedTensors(_ key: String, in object: [String: Any]? = nil) throws -> [(name: String, shape: [Int], value: [Double])] {
        guard let list = (object ?? json)[key] as? [[String: Any]] else { throw FixtureError("\(name): no list \(key)") }
        return try list.map { entry in
            guard let tensorName = entry["name"] as? String else { throw FixtureError("\(name).\(key): entry without a name") }
            let (shape, value) = try Self.tensor(entry, label: "\(name).\(key).\(tensorName)")
            return (tensorName, shape, value)
        }
    }

    /// The object at `key`.
    func object(_ key: String, in object: [String: Any]? = nil) throws -> [String: Any] {
        guard let found = (object ?? json)[key] as? [String: Any] else { throw FixtureError("\(name): no object \(key)") }
        return found
    }

    /// The `architecture` entries whose `op` is `op`, in order.
    func ops(_ op: String) -> [[String: Any]] {
        (json["architecture"] as? [[String: Any]] ?? []).filter { $0["op"] as? String == op }
    }
}

extension Array where Element == Double {
    var floats: [Float] { map { Float($0) } }
}
