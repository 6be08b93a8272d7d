// Per-thread scratch memory for the kernels: packed gemm panels, convolution layouts. Each thread (the
// caller's, or a worker of `Compute.forEachChunk`) owns one `Scratch`, created on first use and kept
// for the thread's life, so steady-state kernel calls allocate nothing and threads never share scratch.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Growable, 64-byte aligned buffers, one per purpose, private to the current thread.
final class Scratch {
    /// What a buffer holds. Kernels that run nested (a convolution calling gemm) use different slots.
    enum Slot: Int, CaseIterable {
        case gemmA, gemmB, packedOperand, lstmRows
        case convOffsets, convLayout, convWide, convGradients, convLayoutGradient, convFlippedWeight
        case maskedDepthIndices, maskedDepthOffsets, maskedStreamCounts, maskedCompressedInput, maskedWeightGradient
    }

    private var buffers: [UnsafeMutableRawPointer?] = Array(repeating: nil, count: Slot.allCases.count)
    private var capacities: [Int] = Array(repeating: 0, count: Slot.allCases.count)

    /// At least `count` floats for `slot`, 64-byte aligned (one zmm register, one cache line).
    /// Contents are unspecified; the pointer stays valid until the next call for the same slot.
    func floats(_ slot: Slot, count: Int) -> UnsafeMutablePointer<Float> {
        bytes(slot, count: count * MemoryLayout<Float>.stride).bindMemory(to: Float.self, capacity: count)
    }

    /// At least `count` Ints for `slot`, as `floats`.
    func ints(_ slot: Slot, count: Int) -> UnsafeMutablePointer<Int> {
        bytes(slot, count: count * MemoryLayout<Int>.stride).bindMemory(to: Int.self, capacity: count)
    }

    private func bytes(_ slot: Slot, count: Int) -> UnsafeMutableRawPointer {
        if let buffer = buffers[slot.rawValue], capacities[slot.rawValue] >= count { return buffer }
        buffers[slot.rawValue]?.deallocate()
        // Grow by half again, so a slowly growing request does not reallocate every call.
        let capacity = max(count, capacities[slot.rawValue] * 3 / 2, 4096)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 64)
        buffers[slot.rawValue] = buffer
        capacities[slot.rawValue] = capacity
        return buffer
    }

    deinit {
        for buffer in buffers { buffer?.deallocate() }
    }

    /// The calling thread's scratch (released when the thread exits).
    static var current: Scratch {
        if let existing = pthread_getspecific(threadKey) {
            return Unmanaged<Scratch>.fromOpaque(existing).takeUnretainedValue()
        }
        let scratch = Scratch()
        pthread_setspecific(threadKey, Unmanaged.passRetained(scratch).toOpaque())
        return scratch
    }

    private static let threadKey: pthread_key_t = {
        var key = pthread_key_t()
        #if os(Linux)
        let created = pthread_key_create(&key) { $0.map { Unmanaged<Scratch>.fromOpaque($0).release() } }
        #else
        let created = pthread_key_create(&key) { Unmanaged<Scratch>.fromOpaque($0).release() }
        #endif
        precondition(created == 0, "pthread_key_create failed (\(created)): no per-thread kernel scratch")
        return key
    }()
}
