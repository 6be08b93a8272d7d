// An error met after a command has done part of its work (printed a report, queued a job array): the
// input was good and something happened, so it is exit 1, not 2 (SPEC §2: 2 means nothing started).

/// An error from the part of a command that runs after its work has started.
struct AfterWorkStarted: Error, CustomStringConvertible {
    let error: Error
    var description: String { "\(error)" }
}

/// Runs `body`, the part of a command after its work has started; its errors exit 1.
func afterWorkStarted<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch { throw AfterWorkStarted(error: error) }
}
