// The contract's exit codes (SPEC §2), in one place.

/// How a command ended.
enum ExitStatus: Int32 {
    /// All assigned work done.
    case success = 0
    /// Some run failed (the rest went on).
    case someRunFailed = 1
    /// Bad input: nothing started.
    case badInput = 2
}
