// This instruction set's kernels as a KernelSet, and the benchmark's peak probe.
//
// Shared by the Kernels* targets (a symbolic link in each), compiled once per instruction set.
import KernelInterface

/// This target's kernels. Only call it where the CPU executes this instruction set (Models' KernelChoice
/// checks first): even building the table runs code compiled for it.
public func makeKernelSet() -> KernelSet {
    KernelSet(name: Shape.name, lanes: lanes, tileRows: Shape.tileRows, tileColumns: 2 * lanes,
              depthBlock: Shape.depthBlock, rowBlock: Shape.rowBlock, columnBlock: Shape.columnBlock,
              weightGradientRows: WeightGradientTile.rows, weightGradientTaps: WeightGradientTile.taps,
              packsTransposedA: Shape.packsTransposedA,
              tile: runTile,
              packA: { packA(transA: $0, a: $1, lda: $2, row0: $3, depth0: $4, rows: $5, depth: $6, into: $7) },
              packB: { packB(transB: $0, b: $1, ldb: $2, depth0: $3, column0: $4, depth: $5, columns: $6, into: $7) },
              weightGradientTile: WeightGradientTile.run,
              multiplyAddChains: multiplyAddChains,
              expShiftedRow: expShiftedRow, maskedAccumulate: maskedAccumulate, maskedWrite: maskedWrite,
              planeSum: planeSum, normalizePlane: normalizePlane, planeDotSums: planeDotSums,
              batchNormInputGradient: batchNormInputGradient,
              lstmCellForward: lstmCellForward, lstmCellBackward: lstmCellBackward,
              forgetMultForward: forgetMultForward, forgetMultBackward: forgetMultBackward,
              oneStepTapGradients: { oneStepTapGradients($0, outputs: $1) },
              oneStepInputGradient: { oneStepInputGradient($0, columns: $1) })
}

/// 12 independent chains `acc ← acc·y + z` (bounded), so the loop runs at the multiply-add units'
/// throughput rather than their latency; 12 vectors leave registers for y and z even with 16 of them.
@inline(never)
func multiplyAddChains(iterations: Int, seed: Float) -> Float {
    let y = Lane(repeating: 0.5), z = Lane(repeating: seed)
    var acc: InlineArray<12, Lane> = [z, z, z, z, z, z, z, z, z, z, z, z]  // not `repeating:` (RegisterTile.swift)
    for _ in 0..<iterations {
        for i in 0..<12 { acc[i] = multiplyAdd(z, acc[i], y) }
    }
    var total = Lane()
    for i in 0..<12 { total += acc[i] }
    return laneSum(total)
}
