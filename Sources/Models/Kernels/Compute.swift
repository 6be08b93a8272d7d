// How many threads the compute kernels may use, and the one place where they fan work out over them.
// Models never reads the environment: Worker sets `Compute.threads` from the task's CPU allowance.
import Foundation

/// The process-wide thread budget of the compute kernels (gemm, convolution).
public enum Compute {
    /// How many threads a kernel may use; every kernel also takes a `threads:` argument defaulting to this.
    /// Set it once at start-up (Worker: `SLURM_CPUS_PER_TASK`, else the machine's core count), before
    /// kernels run. Must be ≥ 1. Default: the number of active processors.
    ///
    /// Results do not depend on it: kernels split work over independent output blocks only, never over
    /// a reduction, so every thread count gives bit-identical results.
    public static var threads: Int = ProcessInfo.processInfo.activeProcessorCount {
        didSet { precondition(threads >= 1, "Compute.threads must be ≥ 1, got \(threads)") }
    }

    /// Multiply-adds below which work stays on one thread: handing a chunk to another thread costs a few
    /// microseconds, about what this much work takes (`sweep-bench gemm`).
    static let minimumWorkPerThread = 1 << 18

    /// How many chunks to cut `items` independent pieces of `work` multiply-adds into: at most `threads`,
    /// and each worth at least `minimumWorkPerThread`.
    static func chunkCount(work: Int, items: Int, threads: Int) -> Int {
        max(1, min(threads, items, work / minimumWorkPerThread))
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, spread over at most `threads` threads
    /// (chunk i goes to worker i mod t). With one thread, or one chunk, it is a plain loop on the calling
    /// thread: no dispatch, no locks. Chunks must write disjoint outputs.
    @inline(__always)
    static func forEachChunk(_ chunks: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = min(threads, chunks)
        if workers <= 1 {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for chunk in stride(from: worker, to: chunks, by: workers) { body(chunk) }
        }
    }
}
