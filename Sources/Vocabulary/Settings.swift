/// A setting that cannot be used; the message says which key, what it got and what would be right.
public struct SettingError: Error, Equatable, CustomStringConvertible {
    public var key: String
    public var message: String
    public init(key: String, _ message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { "\(key): \(message)" }
}

/// The values one component of a configuration was given, read against that component's specs: a value
/// of the wrong kind throws, a key not given reads as the spec's default.
public struct Settings: Sendable {
    public var values: [String: KeyValue]
    public init(_ values: [String: KeyValue] = [:]) { self.values = values }

    /// Whether the configuration gives `spec.name` itself.
    public func isGiven(_ spec: KeySpec) -> Bool { values[spec.name] != nil }

    /// The given value of `spec.name`, checked against `spec.kind`, or nil when it is not given.
    public func given(_ spec: KeySpec) throws -> KeyValue? {
        guard let value = values[spec.name] else { return nil }
        guard spec.kind.accepts(value) else {
            throw SettingError(key: spec.name, "expected \(spec.kind.expected), got \(value.text)")
        }
        return value
    }

    /// The given value or the spec's default.
    public func value(_ spec: KeySpec) throws -> KeyValue {
        guard let value = try given(spec) ?? spec.fallback else {
            preconditionFailure("\(spec.name) has no default (\(spec.defaultText)): read it with given(_:)")
        }
        return value
    }

    public func number(_ spec: KeySpec) throws -> Double {
        guard case let .number(x) = try value(spec) else { preconditionFailure("\(spec.name) is not a number") }
        return x
    }

    public func integer(_ spec: KeySpec) throws -> Int { Int(try number(spec)) }

    public func bool(_ spec: KeySpec) throws -> Bool {
        guard case let .bool(b) = try value(spec) else { preconditionFailure("\(spec.name) is not true or false") }
        return b
    }

    public func string(_ spec: KeySpec) throws -> String {
        guard case let .string(s) = try value(spec) else { preconditionFailure("\(spec.name) is not a string") }
        return s
    }

    public func numbers(_ spec: KeySpec) throws -> [Double] {
        guard case let .numbers(xs) = try value(spec) else { preconditionFailure("\(spec.name) is not a list") }
        return xs
    }
}
