// Signals that ask a worker to stop: the handler only records which arrived (an atomic store is
// async-signal-safe); the training loop looks between steps, checkpoints and stops.
import Foundation
import Synchronization

/// The signal that asked this process to stop, 0 while none has.
private let stopRequest = Atomic<Int32>(0)

/// Which signals stop a worker, and whether one has arrived.
public enum Interruption {
    /// Routes `signals` to the stop request. Call once, before training.
    public static func install(_ signals: [Int32]) {
        _ = stopRequest.load(ordering: .relaxed) // initialise the global before a handler can touch it
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signo in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in stopRequest.store(received, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = SA_RESTART
            sigaction(signo, &action, nil)
            sigaddset(&unblock, signo)
        }
        // A child inherits its parent's blocked signals (a test runner's or launcher's threads may block
        // them): a blocked TERM would stay pending and the worker would never checkpoint.
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    /// The signal that arrived, if any.
    public static var received: Int32? {
        let signo = stopRequest.load(ordering: .relaxed)
        return signo == 0 ? nil : signo
    }

    /// A signal's name as users write it ("TERM", "USR1"), for messages.
    public static func name(_ signo: Int32) -> String {
        switch signo {
        case SIGTERM: return "TERM"
        case SIGINT: return "INT"
        case SIGUSR1: return "USR1"
        case SIGUSR2: return "USR2"
        case SIGHUP: return "HUP"
        case SIGKILL: return "KILL"
        case SIGSEGV: return "SEGV"
        case SIGABRT: return "ABRT"
        case SIGILL: return "ILL"
        case SIGBUS: return "BUS"
        default: return "\(signo)"
        }
    }

    /// The signal named by `name` ("USR1", "SIGUSR2", "TERM"), or nil.
    public static func signal(named name: String) -> Int32? {
        let bare = name.uppercased().hasPrefix("SIG") ? String(name.uppercased().dropFirst(3)) : name.uppercased()
        return ["TERM": SIGTERM, "INT": SIGINT, "USR1": SIGUSR1, "USR2": SIGUSR2, "HUP": SIGHUP][bare]
    }
}
