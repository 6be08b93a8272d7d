// The error every benchmark throws for a bad option: its message is printed as is.

/// A benchmark's bad option.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
