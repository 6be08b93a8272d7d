// Signals that ask a worker to stop: the handler only records which arrived (an atomic store is
// async-signal-safe); the training loop looks between steps, checkpoints and stops. A second Ctrl-C
// means "now": a worker then dies of it at once, without the checkpoint.
import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The signal that asked this process to stop, 0 while none has.
private let stopRequest = Atomic<Int32>(0)
/// How many SIGINTs have arrived.
private let interrupts = Atomic<Int>(0)
/// Whether the second SIGINT ends the process in the handler (a worker) or is left to the caller.
private let secondInterruptEnds = Atomic<Bool>(false)

/// Which signals stop a worker, and whether one has arrived.
public enum Interruption {
    /// Routes `signals` to the stop request. Call once, before training. With `secondInterruptKills`, a
    /// second SIGINT ends the process as SIGINT's default action would.
    public static func install(_ signals: [Int32], secondInterruptKills: Bool) {
        // Initialise the globals before a handler can touch them.
        _ = stopRequest.load(ordering: .relaxed)
        _ = interrupts.load(ordering: .relaxed)
        secondInterruptEnds.store(secondInterruptKills, ordering: .relaxed)
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signo in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { received in
                if received == SIGINT, interrupts.add(1, ordering: .relaxed).newValue >= 2,
                   secondInterruptEnds.load(ordering: .relaxed) {
                    // signal and raise are async-signal-safe; the raised SIGINT is delivered on return.
                    _ = Glibc.signal(SIGINT, SIG_DFL)
                    raise(SIGINT)
                }
                stopRequest.store(received, ordering: .relaxed)
            }
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

    /// How many SIGINTs (Ctrl-C) have arrived.
    public static var interruptCount: Int { interrupts.load(ordering: .relaxed) }

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
