// Reading a model fixture (Tests/Fixtures/models/README.md) and building its network from its
// `architecture` list with the same networks and layer functions the real models use. Every size comes
// from the file.
import Foundation
import Models
import TestSupport

/// One parsed `Tests/Fixtures/models/*.json` file.
struct ModelFixtureCase {
    let name: String
    let json: [String: Any]

    init(_ name: String) throws {
        self.name = name
        json = try Fixtures.json("models", name)
    }

    var model: String { json["model"] as? String ?? "" }

    /// `{"shape", "value"}` at `key` (or the given object).
    func tensor(_ key: String, in object: [String: Any]? = nil) throws -> (shape: [Int], value: [Double]) {
        guard let entry = (object ?? json)[key] as? [String: Any] else { throw FixtureError("\(name): no tensor \(key)") }
        return try Self.tensor(entry, label: "\(name).\(key)")
    }

    static func tensor(_ entry: [String: Any], label: String) throws -> (shape: [Int], value: [Double]) {
        guard let shape = entry["shape"] as? [Int], let value = entry["value"] as? [Double] else {
            throw FixtureError("\(label): shape or value missing")
        }
        guard shape.reduce(1, *) == value.count else { throw FixtureError("\(label): \(value.count) values for shape \(shape)") }
        return (shape, value)
    }

    /// A list of `{"name", "shape", "value"}` (params, grads, buffers).
    func namedTensors(_ key: String) throws -> [(name: String, shape: [Int], value: [Double])] {
        guard let list = json[key] as? [[String: Any]] else { throw FixtureError("\(name): no list \(key)") }
        return try list.map { entry in
            guard let tensorName = entry["name"] as? String else { throw FixtureError("\(name).\(key): entry without a name") }
            let (shape, value) = try Self.tensor(entry, label: "\(name).\(key).\(tensorName)")
            return (tensorName, shape, value)
        }
    }

    var loss: Double { json["loss"] as? Double ?? .nan }

    var labels: [Int32] { (json["labels"] as? [Int] ?? []).map { Int32($0) } }

    var architecture: [[String: Any]] { json["architecture"] as? [[String: Any]] ?? [] }

    // MARK: - Architecture → layer specs

    /// The layer list and loss head of a feed-forward fixture.
    func feedForwardSpecs() throws -> (layers: [LayerSpec], head: LossHead) {
        var ops = architecture
        guard let loss = ops.popLast()?["op"] as? String else { throw FixtureError("\(name): empty architecture") }
        let head: LossHead
        switch loss {
        case "cross_entropy": head = .softmaxCrossEntropy
        case "binary_cross_entropy", "mse":
            guard ops.popLast()?["op"] as? String == "sigmoid" else { throw FixtureError("\(name): \(loss) without a sigmoid before it") }
            head = loss == "mse" ? .sigmoidSquaredError : .sigmoidBinaryCrossEntropy
        default: throw FixtureError("\(name): unknown loss op \(loss)")
        }
        return (try ops.map(layer), head)
    }

    private func layer(_ op: [String: Any]) throws -> LayerSpec {
        func int(_ key: String) throws -> Int {
            guard let value = op[key] as? Int else { throw FixtureError("\(name): \(op["op"] ?? "?") has no integer \(key)") }
            return value
        }
        func string(_ key: String) throws -> String {
            guard let value = op[key] as? String else { throw FixtureError("\(name): \(op["op"] ?? "?") has no \(key)") }
            return value
        }
        switch op["op"] as? String {
        case "linear":
            return .linear(name: try string("name"), outFeatures: try int("out"), bias: op["bias"] as? Bool ?? true)
        case "conv2d":
            return .conv2d(name: try string("name"), outChannels: try int("out_channels"), kernel: try int("kernel"),
                           stride: try int("stride"), padding: try int("padding"), bias: op["bias"] as? Bool ?? true)
        case "batchnorm2d":
            guard op["mode"] as? String == "train" else { throw FixtureError("\(name): only training-mode BatchNorm fixtures are known") }
            return .batchNorm2d(name: try string("name"), eps: Float(op["eps"] as? Double ?? 1e-5),
                                momentum: Float(op["momentum"] as? Double ?? 0.1))
        case "relu": return .relu
        case "tanh": return .tanh
        case "sigmoid": return .sigmoid
        case "maxpool2d": return .maxPool2d(kernel: try int("kernel"), stride: try int("stride"))
        case "flatten": return .flatten
        case "global_avg_pool": return .globalAvgPool
        case "basic_block":
            guard op["merge"] as? String == "add_then_relu" else { throw FixtureError("\(name): unknown merge \(op["merge"] ?? "?")") }
            let main = try (op["main"] as? [[String: Any]] ?? []).map(layer)
            let shortcut = try (op["shortcut"] as? [[String: Any]] ?? []).filter { $0["op"] as? String != "identity" }.map(layer)
            return .residual(main: main, shortcut: shortcut, reluAfter: true)
        case let other: throw FixtureError("\(name): unknown layer op \(other ?? "nil")")
        }
    }

    /// The (embedding, lstm) entries of a language-model fixture.
    func languageModelSizes() throws -> (vocabulary: Int, embedding: Int, hidden: Int, layers: Int) {
        guard let embedding = architecture.first(where: { $0["op"] as? String == "embedding" }),
              let lstm = architecture.first(where: { $0["op"] as? String == "lstm" }),
              let vocabulary = embedding["num_embeddings"] as? Int, let dim = embedding["dim"] as? Int,
              let hidden = lstm["hidden_size"] as? Int, let layers = lstm["num_layers"] as? Int else {
            throw FixtureError("\(name): embedding or lstm entry missing or incomplete")
        }
        guard lstm["gate_order"] as? [String] == ["i", "f", "g", "o"] else { throw FixtureError("\(name): unexpected gate order") }
        return (vocabulary, dim, hidden, layers)
    }
}
