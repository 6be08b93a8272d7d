// What a subcommand is: a name, a one-line abstract for `sweep help`, its usage, a parser that starts
// nothing, and `run`.

protocol Command {
    static var name: String { get }
    static var abstract: String { get }
    /// Usage text: the synopsis line, then the options, one per line.
    static var usage: String { get }
    /// Parses and validates the arguments; starts no work.
    init(_ arguments: inout Arguments) throws
    func run() throws -> ExitStatus
}
