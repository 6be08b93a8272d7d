// Where the parameter tensors sit in the flat parameter and gradient buffers, where their per-element
// state sits in an optimizer's own arrays, and how that state is written to and read from checkpoints.

/// The tensors of one parameter group: their ranges in the flat buffers (model order) and the offsets of
/// their per-element state in the optimizer's compact state arrays (state has no gaps even if the
/// parameter buffer does).
struct TensorLayout {
    let ranges: [Range<Int>]
    /// Offset of tensor j's state; state arrays hold `stateCount` floats.
    let offsets: [Int]
    let stateCount: Int

    init(_ ranges: [Range<Int>]) throws {
        for (j, range) in ranges.enumerated() where range.lowerBound < 0 {
            throw OptimizerError.invalidTensors(
                "tensor \(j) starts at \(range.lowerBound); ranges index a flat buffer from 0")
        }
        let order = ranges.indices.sorted { (ranges[$0].lowerBound, $0) < (ranges[$1].lowerBound, $1) }
        for (a, b) in zip(order, order.dropFirst()) where ranges[a].overlaps(ranges[b]) {
            throw OptimizerError.invalidTensors("tensor \(b) (elements \(ranges[b])) overlaps tensor \(a) "
                + "(elements \(ranges[a])); each parameter belongs to one tensor")
        }
        var offsets: [Int] = []
        var total = 0
        for range in ranges {
            offsets.append(total)
            total += range.count
        }
        self.ranges = ranges
        self.offsets = offsets
        self.stateCount = total
    }

    var count: Int { ranges.count }
}

// MARK: - Checkpoints

extension OptimizerState {
    /// Stores a per-element state array as one entry per tensor: `"name.0"`, `"name.1"`, …
    mutating func store(_ storage: FloatStorage?, as name: String, layout: TensorLayout) {
        guard let storage else { return }
        for j in 0..<layout.count {
            let start = storage.pointer + layout.offsets[j]
            floats["\(name).\(j)"] = Array(UnsafeBufferPointer(start: start, count: layout.ranges[j].count))
        }
    }

    /// Checks that every per-element array named has a value per element of every tensor, and returns
    /// what copies them into their storages (nil storage: the optimizer has no such state, e.g. no
    /// momentum buffer without momentum). Restores check everything first and change nothing on error.
    func restoration(_ arrays: [(storage: FloatStorage?, name: String)], layout: TensorLayout) throws -> () -> Void {
        var copies: [(FloatStorage, Int, [Float])] = []
        for case let (storage?, name) in arrays {
            for j in 0..<layout.count {
                guard let values = floats["\(name).\(j)"], values.count == layout.ranges[j].count else {
                    throw OptimizerError.stateMismatch("saved \(kind) state has no \"\(name).\(j)\" with "
                        + "\(layout.ranges[j].count) values for tensor \(j)")
                }
                copies.append((storage, layout.offsets[j], values))
            }
        }
        return {
            for (storage, offset, values) in copies {
                for (i, value) in values.enumerated() { storage.pointer[offset + i] = value }
            }
        }
    }

    /// Checks that the state was written by `kind`.
    func expect(kind expected: String) throws {
        guard kind == expected else {
            throw OptimizerError.stateMismatch("saved state belongs to \(kind), not \(expected)")
        }
    }

    /// The one integer stored under `name`.
    func integer(_ name: String) throws -> Int {
        guard let values = ints[name], values.count == 1 else {
            throw OptimizerError.stateMismatch("saved \(kind) state has no \"\(name)\"")
        }
        return values[0]
    }

    /// The one double stored under `name`.
    func double(_ name: String) throws -> Double {
        guard let values = doubles[name], values.count == 1 else {
            throw OptimizerError.stateMismatch("saved \(kind) state has no \"\(name)\"")
        }
        return values[0]
    }
}
