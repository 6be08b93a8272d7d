// Builds one JSON object with its keys in a chosen order (records put the fields readers look for
// first), values in canonical form, and non-finite numbers as null (JSON has no NaN).

/// Appends `"key":value` members to a byte buffer, in call order.
public struct JSONObjectWriter {
    public private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var empty = true

    public init() {}

    private mutating func key(_ name: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        CanonicalJSON.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    public mutating func add(_ name: String, _ value: JSONValue) {
        key(name)
        CanonicalJSON.append(value, to: &bytes)
    }

    public mutating func add(_ name: String, _ value: String) { add(name, .string(value)) }
    public mutating func add(_ name: String, _ value: Int) { add(name, .number(Double(value))) }
    /// A number; NaN and infinities are written as null.
    public mutating func add(_ name: String, _ value: Double) { add(name, value.isFinite ? .number(value) : .null) }
    public mutating func add(_ name: String, _ value: Bool) { add(name, .bool(value)) }

    /// A member whose value is already JSON text (a nested object written by another writer).
    public mutating func addRaw(_ name: String, _ json: [UInt8]) {
        key(name)
        bytes.append(contentsOf: json)
    }

    /// The closed object.
    public var object: [UInt8] { bytes + [UInt8(ascii: "}")] }
}
