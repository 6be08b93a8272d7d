// The seq2seq beyond its fixture: finite differences of the whole model's loss, with the unidirectional
// and the bidirectional encoder (the option that crashes in the original), and greedy decoding.
import Testing
import Models

@Suite struct Seq2SeqTests {
    func batch() -> DialogueBatch {
        // Batch-major, PAD 3, each sequence ends with EOS 1; lengths 4, 2, 3 and targets 3, 4, 2.
        DialogueBatch(inputs: [5, 6, 7, 1, 8, 1, 3, 3, 9, 4, 1, 3], inputLengths: [4, 2, 3],
                      targets: [4, 5, 1, 3, 6, 6, 7, 1, 5, 1, 3, 3], targetLengths: [3, 4, 2],
                      db: [1, 0, 0, 1, 1, 0], bs: [0, 1, 1, 1, 0, 0, 0, 0, 1], count: 3)
    }

    @Test(arguments: [false, true])
    func gradientsMatchFiniteDifferences(_ bidirectional: Bool) throws {
        let network = try Seq2Seq(inputVocabulary: 10, outputVocabulary: 8, embeddingSize: 3, hiddenSize: 4, dbSize: 2, bsSize: 3,
                                  bidirectional: bidirectional, seed: 5)
        let parameters = network.parameters
        let values = parameters.valueArray()
        _ = try network.trainStep(.dialogues(batch()))
        let analytic = parameters.gradArray()
        func loss(_ v: [Float]) throws -> Double {
            try parameters.load(v)
            return try network.evaluate(.dialogues(batch())).loss
        }
        var worst = 0.0, worstName = ""
        for slot in parameters.slots {
            let scale = max(slot.range.map { abs(Double(analytic[$0])) }.max() ?? 0, 1e-3)
            for i in slot.range {
                var plus = values, minus = values
                plus[i] += 1e-2
                minus[i] -= 1e-2
                let numeric = (try loss(plus) - loss(minus)) / (Double(plus[i]) - Double(minus[i]))
                let error = abs(numeric - Double(analytic[i])) / scale
                if error > worst { (worst, worstName) = (error, "\(slot.name)[\(i - slot.offset)]") }
            }
        }
        // The whole model in Float with step 1e-2: truncation and rounding leave a few 1e-3; a missing
        // term would be of order 1.
        #expect(worst < 1e-2, "worst normalised difference \(worst) at \(worstName)")
        if bidirectional {
            #expect(parameters.slot(named: "encoder.rnn.weight_ih_l0_reverse") != nil)
            let reverse = try #require(parameters.slot(named: "encoder.rnn.weight_hh_l0_reverse"))
            #expect(analytic[reverse.range].contains { $0 != 0 }, "the backward direction is trained")
        }
        // The PAD row of the encoder embedding gets no gradient (padding_idx), the unused tensors none.
        let embedding = try #require(parameters.slot(named: "encoder.embedding.weight"))
        #expect(analytic[(embedding.offset + 3 * 3)..<(embedding.offset + 4 * 3)].allSatisfy { $0 == 0 })
        let score = try #require(parameters.slot(named: "decoder.score.weight"))
        #expect(analytic[score.range].allSatisfy { $0 == 0 })
    }

    @Test func greedyDecodingStopsAtEOS() throws {
        let network = try Seq2Seq(inputVocabulary: 10, outputVocabulary: 8, embeddingSize: 3, hiddenSize: 4, dbSize: 2, bsSize: 3,
                                  maxLength: 7, seed: 1)
        let decoded = try network.greedyDecode(.dialogues(batch()))
        #expect(decoded.count == 3)
        for sentence in decoded {
            #expect(sentence.count <= 7 && !sentence.contains(1))
        }
        // Decoding a turn alone gives the same words as in a batch.
        var single = batch()
        single = DialogueBatch(inputs: Array(single.inputs[4..<8]), inputLengths: [2], targets: Array(single.targets[4..<8]),
                               targetLengths: [4], db: [0, 1], bs: [1, 0, 0], count: 1)
        #expect(try network.greedyDecode(.dialogues(single)) == [decoded[1]])
    }
}
