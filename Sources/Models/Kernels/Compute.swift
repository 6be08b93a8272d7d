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

    /// Multiply-adds a chunk must be worth to go to another thread: about 2 µs of one core's work, while
    /// a spinning pool thread picks a chunk up within a microsecond or so (a sleeping one takes longer).
    static let minimumWorkPerThread = 1 << 18

    /// How many chunks to cut `items` independent pieces of `work` multiply-adds into: `perThread` per
    /// thread (more than one lets the other threads take over the chunks of a thread the OS has
    /// descheduled), each worth at least `minimumWorkPerThread`. One thread always gives one chunk.
    static func chunkCount(work: Int, items: Int, threads: Int, perThread: Int = 1) -> Int {
        guard threads > 1 else { return 1 }
        return max(1, min(threads * perThread, items, work / minimumWorkPerThread))
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks`, each chunk on one thread: the caller's or one
    /// of at most `threads − 1` `WorkerPool` threads. Chunks must write disjoint outputs and not depend on
    /// which thread runs them. One chunk, or one thread, is a plain loop on the calling thread: no
    /// dispatch, no locks.
    @inline(__always)
    static func forEachChunk(_ chunks: Int, threads: Int, _ body: (Int) -> Void) {
        if chunks <= 1 || threads <= 1 {
            for chunk in 0..<chunks { body(chunk) }
        } else if #available(macOS 15.0, *) {
            WorkerPool.shared.run(chunks: chunks, threads: threads, body)
        } else {
            DispatchQueue.concurrentPerform(iterations: chunks, execute: body)
        }
    }
}
