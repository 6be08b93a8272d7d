// The pieces a grid is built from: one possible value of a key (a choice), a key with its choices (an
// axis), and a key fixed to one value (an assignment).

/// One value a key can take, with where it was written.
public struct Choice: Sendable {
    public let value: JSONValue
    /// Byte offset of the value in the grid file.
    public let offset: Int

    init(_ node: JSONNode) {
        value = node.value
        offset = node.offset
    }
}

/// A key and the values it takes in one block.
public struct Axis: Sendable {
    public let key: String
    public let keyOffset: Int
    public let choices: [Choice]
}

/// A key fixed to one value (a `fixed` member, or the top-level seed list's single value).
public struct Assignment: Sendable {
    public let key: String
    public let keyOffset: Int
    public let choice: Choice
}

/// How the axes of a block combine.
public enum Aggregation: String, Sendable, CaseIterable {
    /// Every combination; the last key varies fastest.
    case product
    /// The i-th values go together; lists of length 1 are repeated.
    case zip
}
