// Critical-gradient behaviour seen through the public API: admission counts, the eviction option, the
// reference's in-place κ scaling, kappa = 0, AggMo_C's substring aggregation.
import Testing
import Optim

@Suite struct CriticalGradientTests {
    /// Steps `optimizer` over a parameter buffer with the given gradients; returns the parameters.
    @discardableResult
    func run(_ optimizer: any Optimizer, from x: [Float], gradients: [[Float]]) -> [Float] {
        var x = x
        for g in gradients {
            x.withUnsafeMutableBufferPointer { p in
                g.withUnsafeBufferPointer { optimizer.step(parameters: p.baseAddress!, gradients: $0.baseAddress!) }
            }
        }
        return x
    }

    @Test func admissionsAreCountedPerTensorAndStepOnceTheBufferIsFull() throws {
        // topC 1, no decay, two tensors with one synced key: step 1 creates the buffers, then each step is
        // one decision per tensor. Keys: 2, 4 (admitted), 3 (refused), 5 (admitted).
        let optimizer = try OptimizerCatalog.make(name: "sgd_c", hyperparameters: [
            "topC": .number(1), "decay": .number(1), "lr": .number(0),
        ], tensors: [0..<1, 1..<2])
        run(optimizer, from: [0, 0], gradients: [[1, 1], [2, 2], [1.5, 1.5], [2.5, 2.5]])
        #expect(optimizer.admissions == AdmissionCounts(admitted: 4, rejected: 2))
        optimizer.resetAdmissions()
        #expect(optimizer.admissions == AdmissionCounts())
        run(optimizer, from: [0, 0], gradients: [[9, 9]])
        #expect(optimizer.admissions == AdmissionCounts(admitted: 2, rejected: 0))
    }

    @Test func withoutTheCriticalTestEveryGradientEntersAndTheSmallestLeaves() throws {
        let optimizer = try OptimizerCatalog.make(name: "adam_c", hyperparameters: [
            "topC": .number(2), "decay": .number(1), "critical_test": .bool(false),
        ], tensors: [0..<1])
        run(optimizer, from: [0], gradients: [[3], [5], [1], [4]])
        #expect(optimizer.admissions == AdmissionCounts(admitted: 2, rejected: 0))
        // 1 entered and left at once (smallest); 4 evicted 3. Array order: [5, 3] + 4 heapifies to [3, 5, 4].
        #expect(optimizer.saveState().floats["critical.priorities.0"] == [5, 4])
    }

    @Test func evictionOptionChangesTheThreshold() throws {
        // seeds.md §1.1's example through SGD_C on one element: keys are |g|.
        let keys: [[Float]] = [1, 5, 2, 6, 7, 3, 4, 8].map { [$0] }
        func buffer(_ eviction: String) throws -> (AdmissionCounts, [Float]?) {
            let optimizer = try OptimizerCatalog.make(name: "sgd_c", hyperparameters: [
                "topC": .number(5), "decay": .number(1), "eviction": .string(eviction),
            ], tensors: [0..<1])
            run(optimizer, from: [0], gradients: keys)
            return (optimizer.admissions, optimizer.saveState().floats["critical.priorities.0"])
        }
        let (faithful, faithfulPriorities) = try buffer("faithful")
        #expect(faithful == AdmissionCounts(admitted: 2, rejected: 1))  // 4 refused: slot 0 holds 5
        #expect(faithfulPriorities == [3, 6, 7, 5, 8])
        let (minimum, minimumPriorities) = try buffer("min")
        #expect(minimum == AdmissionCounts(admitted: 3, rejected: 0))
        #expect(minimumPriorities == [4, 7, 5, 6, 8])
    }

    @Test func selectedGradientIsScaledByKappaInPlaceAsInTheReference() throws {
        // QUIRK Q3: sgd_c, κ = 0.5, aggr max. Step 1 stores 4; step 2 selects it, scales it to 2 in place and
        // steps 2 + 2; step 3 selects the same entry again (priority 4 > 2), now 1: steps 1 + 1.
        let optimizer = try OptimizerCatalog.make(name: "sgd_c", hyperparameters: [
            "topC": .number(2), "decay": .number(1), "kappa": .number(0.5), "aggr": .string("max"), "lr": .number(1),
        ], tensors: [0..<1])
        let x = run(optimizer, from: [0], gradients: [[4], [2], [1]])
        #expect(x == [-10])
        let state = optimizer.saveState()
        #expect(state.floats["critical.priorities.0"] == [2, 4])
        #expect(state.floats["critical.gradients.0"] == [2, 1])
    }

    @Test func kappaZeroIsPlainSGDWithoutMomentum() throws {
        let withMomentum = try OptimizerCatalog.make(name: "sgd_c", hyperparameters: [
            "kappa": .number(0), "momentum": .number(0.9), "weight_decay": .number(0.1), "lr": .number(0.5),
        ], tensors: [0..<2])
        let plain = try OptimizerCatalog.make(name: "sgd", hyperparameters: [
            "weight_decay": .number(0.1), "lr": .number(0.5),
        ], tensors: [0..<2])
        let gradients: [[Float]] = [[1, -2], [0.5, 3], [-1, 1]]
        #expect(run(withMomentum, from: [1, 2], gradients: gradients) == run(plain, from: [1, 2], gradients: gradients))
        #expect(withMomentum.saveState().floats.keys.allSatisfy { !$0.hasPrefix("critical") })
    }

    @Test func aggMoCMatchesAggregationsBySubstring() throws {
        func trajectory(_ aggr: String) throws -> [Float] {
            let optimizer = try OptimizerCatalog.make(name: "aggmo_c", hyperparameters: [
                "aggr": .string(aggr), "topC": .number(2), "lr": .number(0.1),
            ], tensors: [0..<3])
            return run(optimizer, from: [1, -1, 0.5], gradients: [[1, 2, 3], [0.5, -1, 2], [3, 1, -2], [1, 1, 1]])
        }
        #expect(try trajectory("max-mean") == trajectory("mean"))
        #expect(try trajectory("min-mean") == trajectory("mean"))
        #expect(try trajectory("sum") != trajectory("mean"))
    }

    @Test func unsyncedKeysAreEachTensorsOwnNorm() throws {
        let optimizer = try OptimizerCatalog.make(name: "rmsprop_c", hyperparameters: [
            "synced": .bool(false), "decay": .number(1),
        ], tensors: [0..<2, 2..<3])
        run(optimizer, from: [0, 0, 0], gradients: [[3, 4, 2]])
        let state = optimizer.saveState()
        #expect(state.floats["critical.priorities.0"] == [5])
        #expect(state.floats["critical.priorities.1"] == [2])
        let synced = try OptimizerCatalog.make(name: "rmsprop_c", hyperparameters: ["decay": .number(1)],
                                               tensors: [0..<2, 2..<3])
        run(synced, from: [0, 0, 0], gradients: [[3, 4, 2]])
        #expect(synced.saveState().floats["critical.priorities.1"] == [7])
    }

    @Test func emptyTensorsAndGapsBetweenTensorsAreHarmless() throws {
        // Tensors at 0..<3 and 5..<7 with an empty one between; elements 3 and 4 belong to nobody.
        for name in ["sgd_c", "adam_c", "rmsprop_c", "aggmo_c"] {
            let optimizer = try OptimizerCatalog.make(name: name, hyperparameters: ["topC": .number(2)],
                                                      tensors: [0..<3, 3..<3, 5..<7])
            let x = run(optimizer, from: [1, 1, 1, 7, 7, 1, 1], gradients: [[1, 2, 3, 9, 9, 4, 5], [2, 1, 0, 9, 9, 1, 1],
                                                                           [5, 5, 5, 9, 9, 5, 5]])
            #expect(x[3] == 7 && x[4] == 7, "\(name) changed elements outside every tensor")
            #expect(x.allSatisfy { $0.isFinite } && x[0] != 1 && x[6] != 1, "\(name)")
        }
    }
}
