// A small command-line reader: `--name value`, `--name=value`, flags, `--` and positionals.
// Each command asks for what it takes; `finish()` rejects whatever is left, suggesting the nearest name.
import SweepCore
import Vocabulary

/// Wrong use of the command line. Printed with the command's usage; exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The arguments after the subcommand's name, consumed by the subcommand's initializer.
struct Arguments {
    private var tokens: [String]
    private var known: [String] = []
    /// Everything after a `--` is positional, even if it starts with dashes.
    private var afterSeparator: [String] = []

    init(_ arguments: [String]) {
        if let separator = arguments.firstIndex(of: "--") {
            tokens = Array(arguments[..<separator])
            afterSeparator = Array(arguments[(separator + 1)...])
        } else {
            tokens = arguments
        }
    }

    /// Whether `--name` was given (and removes it).
    mutating func flag(_ name: String) throws -> Bool {
        known.append(name)
        var found = false
        while let index = tokens.firstIndex(where: { $0 == "--" + name || $0.hasPrefix("--" + name + "=") }) {
            guard tokens[index] == "--" + name else { throw UsageError("--\(name) takes no value") }
            tokens.remove(at: index)
            found = true
        }
        return found
    }

    /// The value of `--name value` or `--name=value` (the last one wins), or nil.
    mutating func option(_ name: String) throws -> String? {
        known.append(name)
        var value: String?
        while let index = tokens.firstIndex(where: { $0 == "--" + name || $0.hasPrefix("--" + name + "=") }) {
            let token = tokens.remove(at: index)
            if token == "--" + name {
                guard index < tokens.count, !tokens[index].hasPrefix("--") else {
                    throw UsageError("--\(name) needs a value")
                }
                value = tokens.remove(at: index)
            } else {
                value = String(token.dropFirst(name.count + 3))
            }
        }
        return value
    }

    /// An integer option, checked against a range.
    mutating func integer(_ name: String, in range: ClosedRange<Int> = Int.min...Int.max) throws -> Int? {
        guard let text = try option(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            let bounds = range.upperBound == Int.max ? "an integer ≥ \(range.lowerBound)"
                : "an integer from \(range.lowerBound) to \(range.upperBound)"
            throw UsageError("--\(name) \(text): expected \(bounds)")
        }
        return number
    }

    /// An option whose value must be one of `choices`.
    mutating func choice(_ name: String, _ choices: [String]) throws -> String? {
        guard let value = try option(name) else { return nil }
        guard choices.contains(value) else {
            throw UsageError("--\(name) \(value): expected one of \(choices.joined(separator: ", "))")
        }
        return value
    }

    /// The next positional argument, or nil when there is none.
    mutating func positional() -> String? {
        if let index = tokens.firstIndex(where: { !$0.hasPrefix("--") || $0 == "-" }) { return tokens.remove(at: index) }
        return afterSeparator.isEmpty ? nil : afterSeparator.removeFirst()
    }

    /// A required positional argument.
    mutating func positional(_ what: String) throws -> String {
        guard let value = positional() else { throw UsageError("missing \(what)") }
        return value
    }

    /// Fails on anything the command did not ask for.
    func finish() throws {
        guard let extra = (tokens + afterSeparator).first else { return }
        if extra.hasPrefix("--") {
            let name = String(extra.dropFirst(2).prefix { $0 != "=" })
            var message = "unknown option --\(name)"
            if let near = nearestName(to: name, among: known) { message += "; did you mean --\(near)?" }
            if !known.isEmpty { message += " (options: \(known.map { "--" + $0 }.joined(separator: ", ")))" }
            throw UsageError(message)
        }
        throw UsageError("unexpected argument \"\(extra)\"")
    }
}
