// A JSON value as written in a file: members in the file's order, and every value and key with the
// byte offset where it starts, so that errors can say "line 7, column 18".

/// A parsed JSON value with its position in the source text.
public struct JSONNode: Sendable {
    public enum Content: Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONNode])
        /// Members in the order of the file; keys are unique (the parser rejects duplicates).
        case object([JSONMember])
    }

    public var content: Content
    /// Byte offset of the value's first character in the source.
    public var offset: Int

    public init(_ content: Content, offset: Int) {
        self.content = content
        self.offset = offset
    }

    /// The value without positions.
    public var value: JSONValue {
        switch content {
        case .null: return .null
        case let .bool(b): return .bool(b)
        case let .number(x): return .number(x)
        case let .string(s): return .string(s)
        case let .array(elements): return .array(elements.map(\.value))
        case let .object(members):
            var object: [String: JSONValue] = [:]
            for member in members { object[member.key] = member.value.value }
            return .object(object)
        }
    }

    /// The members, if this is an object.
    public var members: [JSONMember]? { if case let .object(m) = content { return m } else { return nil } }
    /// The elements, if this is an array.
    public var elements: [JSONNode]? { if case let .array(e) = content { return e } else { return nil } }
    /// The string, if this is one.
    public var string: String? { if case let .string(s) = content { return s } else { return nil } }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONMember? { members?.first { $0.key == key } }
}

/// One `"key": value` pair of an object.
public struct JSONMember: Sendable {
    public var key: String
    /// Byte offset of the key's opening quote.
    public var keyOffset: Int
    public var value: JSONNode

    public init(key: String, keyOffset: Int, value: JSONNode) {
        self.key = key
        self.keyOffset = keyOffset
        self.value = value
    }
}
