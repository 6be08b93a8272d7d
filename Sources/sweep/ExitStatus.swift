// The contract's exit codes (SPEC §2), in one place.

/// How a command ended.
enum ExitStatus: Equatable {
    /// All assigned work done.
    case success
    /// Some run failed (the rest went on), or an error stopped the command after its work had started.
    case someRunFailed
    /// Bad input: nothing started.
    case badInput
    /// Stopped by a signal after checkpointing; running the command again resumes (128 + signal, as a
    /// process ended by that signal reports).
    case stopped(signal: Int32)

    var code: Int32 {
        switch self {
        case .success: return 0
        case .someRunFailed: return 1
        case .badInput: return 2
        case let .stopped(signal): return 128 + signal
        }
    }
}
