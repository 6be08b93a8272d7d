// The QRNN layer against the alternate_sg fixtures (float64 reference, our Float: README tolerance 1e-4
// per tensor normalised by its largest reference value, 1e-5 for the loss), and by finite differences.
import Foundation
import Testing
import Models
import TestSupport

/// Runs one QRNN layer from arrays: forward, then the backward of `Σ h ⊙ dOut + Σ c_T ⊙ dCellLast`.
struct QRNNLayerRun {
    var output: [Float] = [], cells: [Float] = [], gates: [Float] = [], source: [Float] = []
    var dInput: [Float] = [], dWeight: [Float] = [], dBias: [Float] = [], dCell0: [Float] = []

    init(input: [Float], weight: [Float], bias: [Float], cell0: [Float], previous: [Float]?, mask: [Float]? = nil,
         dOut: [Float]? = nil, dCellLast: [Float]? = nil, steps: Int, batch: Int, inputSize: Int, hidden: Int, window: Int) {
        let stateSize = batch * hidden, sourceSize = window * inputSize
        output = [Float](repeating: 0, count: steps * stateSize)
        cells = cell0 + [Float](repeating: 0, count: steps * stateSize)
        gates = [Float](repeating: 0, count: steps * batch * 3 * hidden)
        if window == 2 {
            source = [Float](repeating: 0, count: steps * batch * sourceSize)
            if let previous {
                qrnnSource(&source, input: input, previous: previous, steps: steps, batch: batch, inputSize: inputSize)
            } else {
                qrnnSource(&source, input: input, previous: nil, steps: steps, batch: batch, inputSize: inputSize)
            }
        } else {
            source = input
        }
        func withMask<R>(_ body: (UnsafePointer<Float>?) -> R) -> R {
            if let mask { return mask.withUnsafeBufferPointer { body($0.baseAddress!) } }
            return body(nil)
        }
        withMask { m in
            qrnnForward(output: &output, cells: &cells, gates: &gates, source: source, weight: weight, bias: bias, forgetMask: m,
                        steps: steps, batch: batch, sourceSize: sourceSize, hidden: hidden)
        }
        guard let dOut else { return }
        var dSource = [Float](repeating: 0, count: steps * batch * sourceSize)
        dWeight = [Float](repeating: 0, count: weight.count)
        dBias = [Float](repeating: 0, count: bias.count)
        dCell0 = [Float](repeating: 0, count: stateSize)
        var dGates = [Float](repeating: 0, count: gates.count)
        withMask { m in
            if let dCellLast {
                qrnnBackward(dSource: &dSource, dWeight: &dWeight, dBias: &dBias, dCell0: &dCell0, dGates: &dGates, dOutput: dOut,
                             dCellLast: dCellLast, source: source, cells: cells, gates: gates, weight: weight, forgetMask: m,
                             steps: steps, batch: batch, sourceSize: sourceSize, hidden: hidden)
            } else {
                qrnnBackward(dSource: &dSource, dWeight: &dWeight, dBias: &dBias, dCell0: &dCell0, dGates: &dGates, dOutput: dOut,
                             dCellLast: nil, source: source, cells: cells, gates: gates, weight: weight, forgetMask: m,
                             steps: steps, batch: batch, sourceSize: sourceSize, hidden: hidden)
            }
        }
        if window == 2 {
            dInput = [Float](repeating: 0, count: input.count)
            qrnnSourceBackward(dInput: &dInput, dSource: dSource, steps: steps, batch: batch, inputSize: inputSize)
        } else {
            dInput = dSource
        }
    }

    /// Cells 1…T.
    func cellSequence(_ stateSize: Int) -> [Float] { Array(cells[stateSize...]) }
    func lastCell(_ stateSize: Int) -> [Float] { Array(cells[(cells.count - stateSize)...]) }
}

@Suite struct QRNNLayerTests {
    static let tensorTolerance = 1e-4
    static let lossTolerance = 1e-5

    private func expectTensor(_ got: [Float], _ expected: [Double], _ label: String) {
        let mismatch = tensorMismatch(got, expected, tol: Self.tensorTolerance, label: label)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test(arguments: AltSGFixtureCase.names(models: ["qrnn_layer_w1", "qrnn_layer_w2"]))
    func matchesReference(_ name: String) throws {
        let fixture = try AltSGFixtureCase(name)
        let layer = try #require(fixture.ops("qrnn_layer").first)
        let window = try #require(layer["window"] as? Int), hidden = try #require(layer["hidden_size"] as? Int)
        let input = try fixture.tensor("input")
        let (steps, batch, inputSize) = (input.shape[0], input.shape[1], input.shape[2])
        let params = Dictionary(uniqueKeysWithValues: try fixture.namedTensors("params").map { ($0.name, $0) })
        let weight = try #require(params["linear.weight"]), bias = try #require(params["linear.bias"])
        #expect(weight.shape == [3 * hidden, window * inputSize])
        let initial = try fixture.object("initial_state"), upstream = try fixture.object("upstream")
        let previous = window == 2 ? try fixture.tensor("prev_x", in: initial).value.floats : nil
        let dOut = try fixture.tensor("output_grad", in: upstream).value.floats
        let dCellLast = try fixture.tensor("final_state_grad", in: upstream).value.floats
        let run = QRNNLayerRun(input: input.value.floats, weight: weight.value.floats, bias: bias.value.floats,
                               cell0: try fixture.tensor("h0", in: initial).value.floats, previous: previous,
                               dOut: dOut, dCellLast: dCellLast,
                               steps: steps, batch: batch, inputSize: inputSize, hidden: hidden, window: window)
        let stateSize = batch * hidden
        let loss = projection(dOut, run.output) + projection(dCellLast, run.lastCell(stateSize))
        #expect(abs(loss - fixture.loss) <= Self.lossTolerance * max(1, abs(fixture.loss)), "\(name): loss \(loss), expected \(fixture.loss)")
        expectTensor(run.output, try fixture.tensor("output").value, "\(name) output")
        expectTensor(run.cellSequence(stateSize), try fixture.tensor("cells").value, "\(name) cells")
        let final = try fixture.object("final_state")
        expectTensor(run.lastCell(stateSize), try fixture.tensor("c_n", in: final).value, "\(name) c_n")
        if window == 2 {
            // The previous input carried to the next call is x_T.
            expectTensor(Array(input.value.floats[((steps - 1) * batch * inputSize)...]), try fixture.tensor("prev_x", in: final).value,
                         "\(name) prev_x")
        }
        let grads = Dictionary(uniqueKeysWithValues: try fixture.namedTensors("grads").map { ($0.name, $0.value) })
        expectTensor(run.dWeight, try #require(grads["linear.weight"]), "\(name) d/d weight")
        expectTensor(run.dBias, try #require(grads["linear.bias"]), "\(name) d/d bias")
        expectTensor(run.dInput, try fixture.tensor("input_grad").value, "\(name) input_grad")
        expectTensor(run.dCell0, try fixture.tensor("h0", in: try fixture.object("initial_state_grad")).value, "\(name) d/d c_0")
    }

    /// Central differences over every input, weight, bias and initial-cell element, for both windows,
    /// with and without a zoneout mask and an upstream cell gradient.
    @Test(arguments: [(1, false), (2, false), (2, true), (1, true)])
    func finiteDifferences(_ setting: (window: Int, masked: Bool)) {
        let (steps, batch, inputSize, hidden, window) = (4, 2, 3, 5, setting.window)
        let stateSize = batch * hidden
        let x = uniformValues(steps * batch * inputSize, seed: 31)
        let w = uniformValues(3 * hidden * window * inputSize, seed: 32, scale: 0.7), b = uniformValues(3 * hidden, seed: 33, scale: 0.5)
        let c0 = uniformValues(stateSize, seed: 34), previous = uniformValues(batch * inputSize, seed: 35)
        let r = uniformValues(steps * stateSize, seed: 36), rc = uniformValues(stateSize, seed: 37)
        var maskGenerator = SeededGenerator(seed: 38, stream: "mask")
        let mask: [Float]? = setting.masked ? (0..<(steps * stateSize)).map { _ in maskGenerator.nextFloat() < 0.3 ? 0 : 1 } : nil
        func run(_ v: [[Float]], backward: Bool) -> QRNNLayerRun {
            QRNNLayerRun(input: v[0], weight: v[1], bias: v[2], cell0: v[3], previous: previous, mask: mask,
                         dOut: backward ? r : nil, dCellLast: backward ? rc : nil,
                         steps: steps, batch: batch, inputSize: inputSize, hidden: hidden, window: window)
        }
        let values = [x, w, b, c0]
        let analytic = run(values, backward: true)
        let report = gradientCheck(values, analytic: [analytic.dInput, analytic.dWeight, analytic.dBias, analytic.dCell0],
                                   names: ["input", "weight", "bias", "c0"]) { v in
            let forward = run(v, backward: false)
            return projection(r, forward.output) + projection(rc, forward.lastCell(stateSize))
        }
        #expect(report == nil, "\(report ?? "")")
    }
}
