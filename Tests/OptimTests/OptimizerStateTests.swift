// Checkpoints: saveState/restoreState round-trip bit for bit, a restored optimizer continues exactly as
// the original, and a state that does not fit is refused without changing anything.
import Testing
import Optim
import Vocabulary

@Suite struct OptimizerStateTests {
    /// One configuration per optimizer and state feature (momentum, amsgrad, centering, every kind of
    /// critical buffer).
    static let configurations: [(name: String, hyper: [String: KeyValue])] = [
        ("sgd", ["momentum": .number(0.9), "nesterov": .bool(true), "weight_decay": .number(0.01)]),
        ("sgd", ["momentum": .number(-0.5), "dampening": .number(0.2)]),
        ("adam", ["amsgrad": .bool(true), "weight_decay": .number(0.1), "lr": .number(0.01)]),
        ("adamw", ["amsgrad": .bool(true), "lr": .number(0.01)]),
        ("rmsprop", ["momentum": .number(0.5), "centered": .bool(true)]),
        ("adagrad", ["lr_decay": .number(0.05), "initial_accumulator_value": .number(0.1)]),
        ("aggmo", ["a": .number(0.5), "k": .number(4), "lr": .number(0.05)]),
        ("sgd_c", ["momentum": .number(0.9), "topC": .number(3), "aggr": .string("mean"), "weight_decay": .number(0.01)]),
        ("sgd_c", ["topC": .number(4), "aggr": .string("median-mean"), "decay": .number(0), "kappa": .number(0.5)]),
        ("adam_c", ["topC": .number(3), "amsgrad": .bool(true), "synced": .bool(false), "eviction": .string("min")]),
        ("rmsprop_c", ["topC": .number(2), "centered": .bool(true), "momentum": .number(0.9), "aggr": .string("max")]),
        ("aggmo_c", ["topC": .number(3), "weight_decay": .number(0.05), "aggr": .string("mid")]),
    ]

    static let tensors = [0..<5, 5..<6, 6..<23]

    /// Deterministic gradients of varying size, so buffers admit, refuse and evict.
    static func gradients(_ steps: Int, seed: UInt64) -> [[Float]] {
        var random = TestRandom(state: seed)
        return (0..<steps).map { _ in
            let scale = random.uniform(0.1, 3)
            return (0..<23).map { _ in scale * random.uniform(-1, 1) }
        }
    }

    static func run(_ optimizer: any Optimizer, _ x: inout [Float], _ gradients: [[Float]]) {
        for g in gradients {
            x.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { optimizer.step(parameters: p.baseAddress!, gradients: $0.baseAddress!) }
            }
        }
    }

    @Test(arguments: configurations.indices)
    func restoredOptimizerContinuesBitForBit(_ index: Int) throws {
        let (name, hyper) = Self.configurations[index]
        let original = try OptimizerCatalog.make(name: name, hyperparameters: hyper, tensors: Self.tensors)
        var x = (0..<23).map { Float($0) / 10 - 1 }
        Self.run(original, &x, Self.gradients(9, seed: 1))
        original.lr *= 0.5
        let saved = original.saveState()
        #expect(saved.kind == name)

        let restored = try OptimizerCatalog.make(name: name, hyperparameters: hyper, tensors: Self.tensors)
        try restored.restoreState(saved)
        #expect(restored.saveState() == saved)
        #expect(restored.lr == original.lr)
        #expect(restored.admissions == original.admissions)

        var y = x
        let next = Self.gradients(11, seed: 2)
        Self.run(original, &x, next)
        Self.run(restored, &y, next)
        #expect(x.map(\.bitPattern) == y.map(\.bitPattern))
        #expect(restored.saveState() == original.saveState())
    }

    @Test func criticalStateKeepsArrayOrderPrioritiesGradientsAndSums() throws {
        let optimizer = try OptimizerCatalog.make(name: "sgd_c", hyperparameters: ["topC": .number(3)], tensors: [0..<2])
        var x: [Float] = [0, 0]
        Self.run(optimizer, &x, [[1, 0], [0, 3], [2, 2], [0.5, 0.5]])
        let state = optimizer.saveState()
        let priorities = try #require(state.floats["critical.priorities.0"])
        let gradients = try #require(state.floats["critical.gradients.0"])
        #expect(priorities.count == 3 && gradients.count == 6)
        #expect(state.floats["critical.sum.0"] != nil && state.ints["critical.sinceAnchor"] != nil)
        #expect(state.ints["step"] == [4])
    }

    @Test func mismatchedStatesAreRefusedAndChangeNothing() throws {
        let optimizer = try OptimizerCatalog.make(name: "adam_c", hyperparameters: ["topC": .number(2)], tensors: Self.tensors)
        var x = [Float](repeating: 0.5, count: 23)
        Self.run(optimizer, &x, Self.gradients(4, seed: 3))
        let before = optimizer.saveState()

        let other = try OptimizerCatalog.make(name: "adam", hyperparameters: [:], tensors: Self.tensors).saveState()
        #expect(throws: OptimizerError.stateMismatch("saved state belongs to adam, not adam_c")) {
            try optimizer.restoreState(other)
        }

        let smaller = try OptimizerCatalog.make(name: "adam_c", hyperparameters: ["topC": .number(2)],
                                                tensors: [0..<5, 5..<6, 6..<20])
        var z = [Float](repeating: 0.5, count: 20)
        Self.run(smaller, &z, [Array(repeating: 1, count: 20)])
        #expect(throws: OptimizerError.self) { try optimizer.restoreState(smaller.saveState()) }

        var truncated = before
        truncated.floats["expAvgSq.2"]?.removeLast()
        #expect(throws: OptimizerError.stateMismatch("saved adam_c state has no \"expAvgSq.2\" with 17 values for tensor 2")) {
            try optimizer.restoreState(truncated)
        }
        var tooManyEntries = before
        tooManyEntries.floats["critical.priorities.0"] = [1, 2, 3]
        #expect(throws: OptimizerError.stateMismatch("saved adam_c state has no critical buffer for tensor 0 of 5 "
            + "values with at most topC = 2 entries")) { try optimizer.restoreState(tooManyEntries) }
        var noCounters = before
        noCounters.ints["critical.sinceAnchor"] = nil
        #expect(throws: OptimizerError.stateMismatch("saved adam_c state has no critical-buffer counters for 3 tensors")) {
            try optimizer.restoreState(noCounters)
        }
        var noStep = before
        noStep.ints["step"] = nil
        #expect(throws: OptimizerError.stateMismatch("saved adam_c state has no \"step\"")) { try optimizer.restoreState(noStep) }
        #expect(optimizer.saveState() == before)

        let aggmo = try OptimizerCatalog.make(name: "aggmo", hyperparameters: [:], tensors: Self.tensors)
        var twoBetas = try OptimizerCatalog.make(name: "aggmo", hyperparameters: ["betas": .numbers([0, 0.9])],
                                                 tensors: Self.tensors).saveState()
        #expect(throws: OptimizerError.stateMismatch("saved aggmo state has no \"velocity2.0\" with 5 values (3 betas)")) {
            try aggmo.restoreState(twoBetas)
        }
        twoBetas.doubles["lr"] = nil
        #expect(throws: OptimizerError.stateMismatch("saved aggmo state has no \"lr\"")) { try aggmo.restoreState(twoBetas) }
    }
}
