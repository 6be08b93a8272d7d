// A `sweep local` worker lives no longer than its launcher: if the launcher is killed (SIGKILL leaves it
// no chance to pass the signal on), the worker sends itself SIGTERM, which checkpoints and stops it, so
// a rerun never trains beside orphans. (Glibc's module does not export prctl(PR_SET_PDEATHSIG), so the
// worker watches its parent process id instead: an orphan is adopted by another process.)
import Dispatch
#if canImport(Glibc)
import Glibc
#endif

enum LauncherWatch {
    /// The variable `sweep local` sets to its own process id in each worker's environment.
    static let variable = "SWEEP_LOCAL_LAUNCHER"
    private nonisolated(unsafe) static var timer: DispatchSourceTimer?

    /// Watches the launcher named in `environment`, twice a second; stops this worker when it is gone.
    static func follow(_ environment: [String: String]) {
        guard let launcher = environment[variable].flatMap(Int32.init), timer == nil else { return }
        let watch = DispatchSource.makeTimerSource(queue: .global())
        watch.schedule(deadline: .now(), repeating: .milliseconds(500))
        watch.setEventHandler {
            guard getppid() != launcher else { return }
            watch.cancel()
            kill(getpid(), SIGTERM)
        }
        watch.resume()
        timer = watch
    }
}
