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

    /// The reference: `data.narrow(0, 0, n // bsz * bsz).view(bsz, -1).t()`, then for i in
    /// `range(0, rows − 1, bptt)`: `seq_len = min(bptt, rows − 1 − i)`, inputs rows i..<i+seq_len, targets +1.
    @Test(arguments: [(23, 4, 2), (23, 4, 3), (100, 7, 5), (100, 1, 35), (10, 5, 1), (41, 3, 100)])
    func windowsMatchTheReferenceBatching(count: Int, streams: Int, bptt: Int) {
        let tokens = (0..<count).map { Int32($0 * 3 % 17) }
        let rows = tokens.count / streams
        func at(_ t: Int, _ s: Int) -> Int32 { tokens[s * rows + t] }
        let expected = stride(from: 0, to: rows - 1, by: bptt).map { i -> (inputs: [Int32], targets: [Int32]) in
            let steps = min(bptt, rows - 1 - i)
            return ((i..<(i + steps)).flatMap { t in (0..<streams).map { at(t, $0) } },
                    ((i + 1)..<(i + 1 + steps)).flatMap { t in (0..<streams).map { at(t, $0) } })
        }
        #expect(TokenBatch.windowCount(tokens: count, streams: streams, bptt: bptt) == expected.count)
        var window = TokenBatch()
        for (index, reference) in expected.enumerated() {
            window.window(index, of: tokens, streams: streams, bptt: bptt)
            #expect(window.inputs == reference.inputs && window.targets == reference.targets)
            #expect(window.steps * streams == window.inputs.count && window.streams == streams)
        }
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
