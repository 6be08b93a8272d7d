// Everything that can be wrong with a grid file, each with the place it is wrong and, where one is
// likely, a hint at what would be right. Rendered as compilers do: `path:line:column: error: …`.

/// One problem in a grid file.
public struct GridError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem (tests and tools match on it; users read the message).
    public enum Kind: String, Sendable {
        case unreadable, syntax, duplicateKey, emptyList, zipLengths, conflictingKey, structure
        case unknownName, unknownKey, ambiguousKey, invalidValue, missingKey, tooLarge
    }

    public var kind: Kind
    /// The grid file as the user named it.
    public var path: String
    /// Where in the file, when there is a place.
    public var position: SourcePosition?
    public var message: String
    /// Another place the message refers to (the first definition of a duplicate, say).
    public var related: SourcePosition?
    /// What would probably be right.
    public var hint: String?

    public init(_ kind: Kind, path: String, position: SourcePosition?, _ message: String,
                related: SourcePosition? = nil, hint: String? = nil) {
        self.kind = kind
        self.path = path
        self.position = position
        self.message = message
        self.related = related
        self.hint = hint
    }

    public var description: String {
        var text = path + (position.map { ":\($0.line):\($0.column)" } ?? "") + ": error: " + message
        if let related { text += "\n\(path):\(related.line):\(related.column): note: first defined here" }
        if let hint { text += "\n  hint: " + hint }
        return text
    }
}

/// All the problems found in one grid file (a user fixes them in one go, not one per run).
public struct GridErrors: Error, Equatable, Sendable, CustomStringConvertible {
    /// The errors in file order (those without a place first).
    public var errors: [GridError]
    public init(_ errors: [GridError]) {
        let start = SourcePosition(line: 0, column: 0)
        self.errors = errors.sorted { ($0.position ?? start) < ($1.position ?? start) } // stable: ties keep their order
    }

    public var description: String {
        let count = errors.count == 1 ? "1 error" : "\(errors.count) errors"
        return errors.map(\.description).joined(separator: "\n") + "\n\(count); nothing was started"
    }
}
