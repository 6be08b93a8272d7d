// One configuration of a grid: what a training run is built from, and the identity of its results.

/// A configuration: its position in the grid, its values and its id.
public struct Configuration: Sendable, Equatable {
    /// Position in the grid's order (0-based); changes if the grid is edited.
    public let index: Int
    /// Keys and values in canonical (sorted) order.
    public let entries: [(key: String, value: JSONValue)]
    /// The canonical JSON text (keys sorted, compact, shortest numbers).
    public let canonicalJSON: String
    /// The SHA-256 of the canonical text, hex: stable when keys are reordered, new when a value changes.
    public let id: String

    init(index: Int, entries: [(key: String, value: JSONValue)], canonical: [UInt8]) {
        self.index = index
        self.entries = entries
        canonicalJSON = String(decoding: canonical, as: UTF8.self)
        id = SHA256.hex(canonical)
    }

    /// The value of `key`, if the configuration has it.
    public subscript(key: String) -> JSONValue? { entries.first { $0.key == key }?.value }

    /// The configuration as one JSON object.
    public var value: JSONValue { .object(Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.value) })) }

    public static func == (a: Configuration, b: Configuration) -> Bool {
        a.index == b.index && a.canonicalJSON == b.canonicalJSON
    }
}
