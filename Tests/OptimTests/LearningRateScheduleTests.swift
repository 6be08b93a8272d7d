// Schedule values at given epochs and steps, written out by hand from the definitions.
import Foundation
import Testing
import Optim

@Suite struct LearningRateScheduleTests {
    func expectRates(_ schedule: LearningRateSchedule, _ expected: [Int: Double], tolerance: Double = 1e-6,
                     sourceLocation: SourceLocation = #_sourceLocation) {
        for epoch in expected.keys.sorted() {
            let got = schedule.epochLR(epoch)
            #expect(abs(got - expected[epoch]!) <= tolerance, "epoch \(epoch): \(got), expected \(expected[epoch]!)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test func constant() {
        expectRates(LearningRateSchedule(lr: 0.1), [0: 0.1, 7: 0.1, 1000: 0.1])
    }

    @Test func stepMultipliesAtEachMilestone() {
        // MultiStepLR([2, 4], 0.1): epochs 0–1 full, 2–3 ×0.1, from 4 ×0.01.
        let schedule = LearningRateSchedule(lr: 1, shape: .step(milestones: [2, 4], gamma: 0.1))
        expectRates(schedule, [0: 1, 1: 1, 2: 0.1, 3: 0.1, 4: 0.01, 50: 0.01], tolerance: 1e-15)
    }

    @Test func exponentialMultipliesEveryEpoch() {
        expectRates(LearningRateSchedule(lr: 0.8, shape: .exponential(gamma: 0.5)), [0: 0.8, 1: 0.4, 3: 0.1],
                    tolerance: 1e-15)
    }

    @Test func cosineReachesEtaMinAtTMaxAndKeepsFollowingTheCurve() {
        // 0.1 + 0.9·(1 + cos(π·e/4))/2: e = 1 → 0.1 + 0.9·0.8535534 = 0.8681981.
        let schedule = LearningRateSchedule(lr: 1, shape: .cosine(tMax: 4, etaMin: 0.1))
        expectRates(schedule, [0: 1, 1: 0.8681981, 2: 0.55, 3: 0.2318019, 4: 0.1, 6: 0.55])
    }

    @Test func restartsWithOneBaseRunCyclesOfBBTwoBFourB() {
        // seeds.md §4, b = 5: epochs 1–5 (0-based 0–4) are 1, .905, .655, .345, .095 × lr; restarts (lr
        // itself) at 1-based epochs 6, 11, 21, 41, 81, 161; the cycles after the first last 5, 10, 20, …
        let schedule = LearningRateSchedule(lr: 2, shape: .cosineRestarts(bases: [5], etaMin: 0))
        let cycleOfFive = [1, 0.9045085, 0.6545085, 0.3454915, 0.0954915]
        var expected: [Int: Double] = [:]
        for (j, rate) in cycleOfFive.enumerated() {
            expected[j] = 2 * rate        // epochs 1–5
            expected[5 + j] = 2 * rate    // epochs 6–10: the second cycle of b
        }
        expected[10] = 2                  // epoch 11: restart
        expected[11] = 2 * 0.9755283      // epoch 12: (1 + cos(π/10))/2
        expected[19] = 2 * 0.0244717      // epoch 20: (1 + cos(9π/10))/2
        expected[20] = 2                  // epoch 21: restart
        expected[21] = 2 * 0.9938442      // epoch 22: (1 + cos(π/20))/2
        expected[39] = 2 * 0.0061558      // epoch 40: (1 + cos(19π/20))/2
        expected[79] = 2 * 0.0015413      // epoch 80 ends the 40-epoch cycle: (1 + cos(39π/40))/2
        for restart in [41, 81, 161] { expected[restart - 1] = 2 }
        expectRates(schedule, expected)
    }

    @Test func restartsWithAListFollowIt() {
        // [160, 320]: one cosine over epochs 1–160, restart at 161, a second over 161–320.
        let schedule = LearningRateSchedule(lr: 1, shape: .cosineRestarts(bases: [160, 320], etaMin: 0))
        expectRates(schedule, [0: 1, 80: 0.5, 159: 0.0000964, 160: 1, 161: 0.9999036, 240: 0.5])
        // QUIRK (seeds.md §4): a list that does not double starts the second cycle mid-cosine:
        // [100, 150]: epoch 101 → lr, epoch 102 → (1 + cos(π·26/75))/2 = 0.7316480.
        let uneven = LearningRateSchedule(lr: 1, shape: .cosineRestarts(bases: [100, 150], etaMin: 0))
        expectRates(uneven, [100: 1, 101: 0.7316480])
    }

    @Test func restartsRespectEtaMin() {
        let schedule = LearningRateSchedule(lr: 1, shape: .cosineRestarts(bases: [2], etaMin: 0.2))
        // Cycles of 2: epoch 1 → 1, epoch 2 → 0.2 + 0.8·0.5 = 0.6, epoch 3 → restart 1, epoch 4 → 0.6, epoch 5 → 1.
        expectRates(schedule, [0: 1, 1: 0.6, 2: 1, 3: 0.6, 4: 1, 5: 0.2 + 0.8 * 0.8535534])
    }

    @Test func warmUpRisesLinearlyPerStepThenHandsOver() {
        // 0.5 epochs of 10 steps = 5 steps: (s + 1)/5 of the epoch's rate.
        let schedule = LearningRateSchedule(lr: 0.1, shape: .constant, warmupEpochs: 0.5)
        let rates = (0..<7).map { schedule.lr(epoch: 0, step: $0, stepsPerEpoch: 10) }
        let expected = [0.02, 0.04, 0.06, 0.08, 0.1, 0.1, 0.1]
        for (got, want) in zip(rates, expected) { #expect(abs(got - want) < 1e-15) }
    }

    @Test func warmUpWrapsTheEpochShapeAcrossEpochs() {
        // Two epochs of 4 steps warm up over the step schedule: epoch 1 is already ×0.5.
        let schedule = LearningRateSchedule(lr: 1, shape: .step(milestones: [1], gamma: 0.5), warmupEpochs: 2)
        let rates = (0..<12).map { schedule.lr(epoch: $0 / 4, step: $0 % 4, stepsPerEpoch: 4) }
        let expected = [0.125, 0.25, 0.375, 0.5, 0.3125, 0.375, 0.4375, 0.5, 0.5, 0.5, 0.5, 0.5]
        for (s, (got, want)) in zip(rates, expected).enumerated() {
            #expect(abs(got - want) < 1e-15, "step \(s): \(got), expected \(want)")
        }
        #expect(LearningRateSchedule(lr: 0.3).lr(epoch: 0, step: 0, stepsPerEpoch: 100) == 0.3)
    }
}

/// The linear schedule of transformers (`get_linear_schedule_with_warmup`, no warm-up): per step.
@Suite struct LinearScheduleTests {
    @Test func decaysPerStepToZero() throws {
        let schedule = try ScheduleCatalog.make(name: "linear", [:], lr: 1, epochs: 2)
        #expect(schedule == LearningRateSchedule(lr: 1, shape: .linear(epochs: 2)))
        let rates = (0..<2).flatMap { epoch in (0..<2).map { schedule.lr(epoch: epoch, step: $0, stepsPerEpoch: 2) } }
        #expect(rates == [1, 0.75, 0.5, 0.25])
    }
}
