// Filling batches from datasets: samples gathered by index, token streams cut into BPTT windows as the
// word-language-model example's batchify/get_batch does.
import Testing
import Models

@Suite struct BatchTests {
    @Test func gatherCopiesRowsInIndexOrder() {
        let set = SampleSet(features: (0..<12).map { Float($0) }, sampleShape: [3], labels: [7, 8, 9, 6])
        var batch = SampleBatch()
        batch.gather(from: set, indices: [2, 0])
        #expect(batch.count == 2)
        #expect(batch.features == [6, 7, 8, 0, 1, 2])
        #expect(batch.labels == [9, 7])
        batch.gather(from: set, indices: [3])
        #expect(batch.features == [9, 10, 11] && batch.labels == [6])
        let regression = SampleSet(features: [1, 2, 3, 4], sampleShape: [2], targets: [0.5, -0.5])
        batch.gather(from: regression, indices: [1, 0])
        #expect(batch.targets == [-0.5, 0.5] && batch.labels.isEmpty)
    }

    @Test func windowsFollowBatchifyAndGetBatch() {
        // 11 tokens, 2 streams: truncated to 10, stream 0 = 0…4, stream 1 = 5…9; rows 5, windows of bptt 3
        // cover rows 0..<3 and 3..<4 (the last row has no next token).
        let tokens = (0..<11).map { Int32($0) }
        #expect(TokenBatch.windowCount(tokens: 11, streams: 2, bptt: 3) == 2)
        var window = TokenBatch()
        window.window(0, of: tokens, streams: 2, bptt: 3)
        #expect(window.steps == 3 && window.streams == 2)
        #expect(window.inputs == [0, 5, 1, 6, 2, 7])
        #expect(window.targets == [1, 6, 2, 7, 3, 8])
        window.window(1, of: tokens, streams: 2, bptt: 3)
        #expect(window.steps == 1)
        #expect(window.inputs == [3, 8] && window.targets == [4, 9])
        #expect(TokenBatch.windowCount(tokens: 3, streams: 2, bptt: 3) == 0)
    }

    @Test func metricTotalsWeightByCount() {
        var totals = MetricTotals()
        totals.add(StepMetrics(loss: 1, count: 3, correct: 2))
        totals.add(StepMetrics(loss: 4, count: 1, correct: 1))
        #expect(totals.meanLoss == 7.0 / 4)
        #expect(totals.meanBatchLoss == 2.5)
        #expect(totals.accuracy == 0.75)
        #expect(abs(totals.perplexity - 5.754_602_676) < 1e-8)
    }
}
