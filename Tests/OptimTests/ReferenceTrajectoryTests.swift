// Every optimizer fixture under Tests/Fixtures/optim/ (see its README): build the optimizer through the
// catalog from the fixture's `optimizer` + `hyper`, feed g = ((a ⊙ x) − b) + noise[k] at each step, and
// compare the parameters after every step (rtol 1e-4, atol 1e-5, NaN/±inf positions exact).
import Foundation
import Testing
import Optim
import TestSupport
import Vocabulary

@Suite struct ReferenceTrajectoryTests {
    @Test(arguments: try Fixtures.names("optim"))
    func followsReference(_ name: String) throws {
        let fixture = try OptimizerFixture(name)
        let optimizer = try OptimizerCatalog.make(name: fixture.optimizer, hyperparameters: fixture.hyper,
                                                  tensors: fixture.ranges)
        var x = fixture.initial
        var g = [Float](repeating: 0, count: x.count)
        for k in 0..<fixture.steps {
            for i in x.indices { g[i] = ((fixture.a[i] * x[i]) - fixture.b[i]) + fixture.noise[k][i] }
            x.withUnsafeMutableBufferPointer { xp in
                g.withUnsafeBufferPointer { gp in optimizer.step(parameters: xp.baseAddress!, gradients: gp.baseAddress!) }
            }
            for (j, range) in fixture.ranges.enumerated() {
                let mismatch = elementwiseMismatch(Array(x[range]), fixture.expected[k][j], rtol: 1e-4, atol: 1e-5,
                                                   label: "\(name) step \(k + 1) tensor \(j)")
                #expect(mismatch == nil, "\(mismatch ?? "")")
                if mismatch != nil { return }
            }
        }
    }
}

/// One parsed fixture, tensors flattened into one buffer in file order.
struct OptimizerFixture {
    var optimizer: String
    var hyper: [String: KeyValue]
    var steps: Int
    var ranges: [Range<Int>] = []
    var initial: [Float] = []
    var a: [Float] = []
    var b: [Float] = []
    /// noise[k] is the flat noise of step k + 1.
    var noise: [[Float]]
    /// expected[k][j] is tensor j after step k + 1 (NaN and ±inf where the file says so).
    var expected: [[[Float]]]

    init(_ name: String) throws {
        let json = try Fixtures.json("optim", name)
        guard let optimizer = json["optimizer"] as? String, let hyper = json["hyper"] as? [String: Any],
              let steps = json["steps"] as? Int, let tensors = json["tensors"] as? [[String: Any]],
              let noise = json["noise"] as? [[[Any]]], let expected = json["expected"] as? [[[Any]]] else {
            throw FixtureError("optim/\(name).json lacks optimizer, hyper, steps, tensors, noise or expected")
        }
        // sgd_momentum and sgd_nesterov are sgd with those hyperparameters.
        self.optimizer = optimizer.hasPrefix("sgd_") && !optimizer.hasPrefix("sgd_c") ? "sgd" : optimizer
        self.hyper = try hyper.mapValues(Self.hyperValue)
        self.steps = steps
        for tensor in tensors {
            let initial = try Self.floats(tensor["init"]), a = try Self.floats(tensor["a"]), b = try Self.floats(tensor["b"])
            ranges.append(self.initial.count..<(self.initial.count + initial.count))
            self.initial += initial
            self.a += a
            self.b += b
        }
        self.noise = try noise.map { try $0.flatMap(Self.floats) }
        self.expected = try expected.map { try $0.map(Self.floats) }
        guard self.noise.count == steps, self.expected.count == steps else {
            throw FixtureError("optim/\(name).json: \(steps) steps but \(noise.count) noise and \(expected.count) expected entries")
        }
    }

    static func floats(_ any: Any?) throws -> [Float] {
        guard let list = any as? [Any] else { throw FixtureError("expected a list of numbers, got \(String(describing: any))") }
        return try list.map { item in
            switch item {
            case let s as String where s == "nan": return .nan
            case let s as String where s == "inf": return .infinity
            case let s as String where s == "-inf": return -.infinity
            case let n as NSNumber: return Float(n.doubleValue)
            default: throw FixtureError("not a number: \(item)")
            }
        }
    }

    static func hyperValue(_ any: Any) throws -> KeyValue {
        switch any {
        // JSONSerialization gives NSNumber for booleans too; their Objective-C type is "c".
        case let n as NSNumber where String(cString: n.objCType) == "c": return .bool(n.boolValue)
        case let n as NSNumber: return .number(n.doubleValue)
        case let s as String: return .string(s)
        case let list as [Any]: return .numbers(try list.map { item in
                guard let n = item as? NSNumber else { throw FixtureError("not a number in a list: \(item)") }
                return n.doubleValue
            })
        default: throw FixtureError("unsupported hyperparameter value \(any)")
        }
    }
}
