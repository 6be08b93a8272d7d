// A persistent pool of spinning worker threads for the kernels' parallel loops. Measured on this
// machine, `DispatchQueue.concurrentPerform(iterations: 2)` ran both iterations on the calling thread
// for work up to ~0.4 ms (its workers wake too slowly), so the layer-sized products got no speed-up;
// these workers spin on an atomic for 2 ms after each job, so the next job is taken up without waking a
// thread (the 128×784·784×1000 product then ran 1.9× faster on 2 threads than on 1).
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Synchronization

/// Runs the chunks of one parallel loop at a time on the caller plus idle pool threads.
///
/// A job's chunks are handed out through one atomic ticket holding (job number, chunk count, next
/// chunk), so a worker that wakes late can never take a chunk of a job it did not read. A caller that
/// finds the pool busy (another thread's job, or a nested loop) runs its chunks itself: results do not
/// depend on who runs a chunk.
@available(macOS 15.0, *)
final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// How long an idle worker spins before it sleeps: longer than the gaps between kernel calls in a
    /// training step's forward and backward passes (element-wise layers), shorter than an optimizer step.
    /// It yields the core every few hundred polls, so on a machine shared with other jobs the spinning
    /// costs them little (without that, 2 threads ran slower than 1 under load).
    private static let spinNanoseconds: UInt64 = 1_000_000

    /// bits 32...: job number; bits 16..<32: chunk count; bits 0..<16: next chunk to hand out.
    private let ticket = Atomic<UInt64>(0)
    /// Chunks of the current job not yet finished.
    private let unfinished = Atomic<Int>(0)
    /// Set while a caller owns the pool.
    private let busy = Atomic<Bool>(false)
    /// Workers blocked on `wakeUp` (they sleep after spinning `spinNanoseconds` without work).
    private let sleepers = Atomic<Int>(0)
    /// Pool threads that may still join the current job: the caller's thread budget less one. A worker
    /// that comes late to an old job may take a seat of the next one and find no work: harmless.
    private let seats = Atomic<Int>(0)
    /// The current job's body; written only while `busy` and before its ticket is published.
    private var body: ((Int) -> Void)?
    private var workerCount = 0
    private var mutex = pthread_mutex_t()
    private var wakeUp = pthread_cond_t()

    private init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&wakeUp, nil)
    }

    /// Runs `body(chunk)` for every chunk in `0..<chunks` (2 ≤ chunks < 65536), on this thread and on
    /// up to `threads − 1` pool threads, and returns when all have finished.
    func run(chunks: Int, threads: Int, _ body: (Int) -> Void) {
        precondition(chunks >= 2 && chunks < 1 << 16 && threads >= 2, "WorkerPool.run: \(chunks) chunks, \(threads) threads")
        guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            for chunk in 0..<chunks { body(chunk) }
            return
        }
        let helpers = min(threads, chunks) - 1
        while workerCount < helpers {
            workerCount += 1
            Thread.detachNewThread { [self] in workerLoop() }
        }
        withoutActuallyEscaping(body) { body in
            self.body = body
            unfinished.store(chunks, ordering: .relaxed)
            seats.store(helpers, ordering: .relaxed)
            let job = (ticket.load(ordering: .relaxed) >> 32) &+ 1
            ticket.store(job << 32 | UInt64(chunks) << 16, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                pthread_mutex_lock(&mutex)
                pthread_cond_broadcast(&wakeUp)
                pthread_mutex_unlock(&mutex)
            }
            work(job: job)
            var spins = 0
            while unfinished.load(ordering: .acquiring) > 0 {
                spins += 1
                if spins % 1024 == 0 { sched_yield() }   // a worker was preempted: let it finish
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// Takes and runs chunks of `job` until none are left.
    private func work(job: UInt64) {
        var current = ticket.load(ordering: .acquiring)
        while current >> 32 == job {
            let next = current & 0xFFFF, count = (current >> 16) & 0xFFFF
            if next >= count { return }
            let (exchanged, original) = ticket.compareExchange(expected: current, desired: current + 1,
                                                               ordering: .acquiringAndReleasing)
            if exchanged {
                // The chunk is ours and unfinished, so the caller is still waiting and `body` is this job's.
                body!(Int(next))
                unfinished.subtract(1, ordering: .releasing)
                current = ticket.load(ordering: .acquiring)
            } else {
                current = original
            }
        }
    }

    private func workerLoop() {
        var seen = ticket.load(ordering: .acquiring) >> 32
        while true {
            let idleSince = DispatchTime.now().uptimeNanoseconds
            var job = ticket.load(ordering: .acquiring) >> 32
            var polls = 0
            while job == seen {
                polls += 1
                if polls % 256 == 0 { sched_yield() }
                if DispatchTime.now().uptimeNanoseconds - idleSince > Self.spinNanoseconds {
                    // Sleep until a new job is published. `sleepers` is raised before the last look at the
                    // ticket and the publisher reads it after storing the ticket (both sequentially
                    // consistent), so either this thread sees the job or the publisher sees a sleeper.
                    pthread_mutex_lock(&mutex)
                    sleepers.add(1, ordering: .sequentiallyConsistent)
                    while ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen {
                        pthread_cond_wait(&wakeUp, &mutex)
                    }
                    sleepers.subtract(1, ordering: .sequentiallyConsistent)
                    pthread_mutex_unlock(&mutex)
                }
                job = ticket.load(ordering: .acquiring) >> 32
            }
            seen = job
            if seats.subtract(1, ordering: .acquiringAndReleasing).newValue >= 0 { work(job: job) }
        }
    }
}
