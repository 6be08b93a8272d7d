// How a model or dataset describes the configuration keys it takes, and reads them. Worker turns these
// descriptions into the grid validator's rules (SweepCore cannot see Models), so each key's type,
// range and default are written once, here, next to the code that uses them.

/// A configuration value as a model or dataset sees it (Worker converts grid JSON into these).
public enum SettingValue: Equatable, Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case numbers([Double])
}

/// What values a key accepts.
public enum SettingKind: Equatable, Sendable {
    /// A number in `range` (bounds included unless `exclusiveMinimum`).
    case number(ClosedRange<Double>, exclusiveMinimum: Bool = false)
    /// An integer in `range`.
    case integer(ClosedRange<Int>)
    case bool
    /// One of these strings.
    case choice([String])
    /// Any string (a path, say).
    case string
    /// A list of numbers, each in `range`, with a length in `count`.
    case numbers(ClosedRange<Double>, count: ClosedRange<Int>)
    /// A list of integers, each in `range`, with a length in `count`.
    case integers(ClosedRange<Int>, count: ClosedRange<Int>)

    /// Whether `value` is acceptable.
    public func accepts(_ value: SettingValue) -> Bool {
        switch (self, value) {
        case let (.number(range, exclusive), .number(x)):
            return range.contains(x) && !(exclusive && x == range.lowerBound)
        case let (.integer(range), .number(x)):
            return x.rounded() == x && x >= Double(range.lowerBound) && x <= Double(range.upperBound)
        case (.bool, .bool), (.string, .string): return true
        case let (.choice(options), .string(s)): return options.contains(s)
        case let (.numbers(range, count), .numbers(xs)):
            return count.contains(xs.count) && xs.allSatisfy(range.contains)
        case let (.integers(range, count), .numbers(xs)):
            return count.contains(xs.count)
                && xs.allSatisfy { $0.rounded() == $0 && $0 >= Double(range.lowerBound) && $0 <= Double(range.upperBound) }
        default: return false
        }
    }

    /// What is expected, in words: "a number > 0", "an integer from 1 to 1000", "one of sum, mean".
    public var expected: String {
        func bound(_ x: Double) -> String { x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }
        func numberRange(_ r: ClosedRange<Double>, exclusive: Bool) -> String {
            switch (r.lowerBound.isFinite, r.upperBound.isFinite) {
            case (true, true): return exclusive ? "in (\(bound(r.lowerBound)), \(bound(r.upperBound))]"
                : "in [\(bound(r.lowerBound)), \(bound(r.upperBound))]"
            case (true, false): return (exclusive ? "> " : "≥ ") + bound(r.lowerBound)
            case (false, true): return "≤ " + bound(r.upperBound)
            case (false, false): return "(any value)"
            }
        }
        func intRange(_ r: ClosedRange<Int>) -> String {
            r.upperBound == Int.max ? "≥ \(r.lowerBound)" : "from \(r.lowerBound) to \(r.upperBound)"
        }
        func length(_ c: ClosedRange<Int>) -> String {
            c.lowerBound == c.upperBound ? "of \(c.lowerBound)" : c.upperBound == Int.max ? "of at least \(c.lowerBound)"
                : "of \(c.lowerBound) to \(c.upperBound)"
        }
        switch self {
        case let .number(r, exclusive): return "a number " + numberRange(r, exclusive: exclusive)
        case let .integer(r): return "an integer " + intRange(r)
        case .bool: return "true or false"
        case let .choice(options): return "one of " + options.joined(separator: ", ")
        case .string: return "a string"
        case let .numbers(r, c): return "a list \(length(c)) numbers " + numberRange(r, exclusive: false)
        case let .integers(r, c): return "a list \(length(c)) integers " + intRange(r)
        }
    }
}

/// One configuration key a model or dataset takes.
public struct SettingSpec: Equatable, Sendable {
    public var name: String
    public var kind: SettingKind
    /// The default in words (`"64"`, `"[32]"`, `"none"`), for help and error messages.
    public var defaultValue: String
    /// One line on what it does.
    public var summary: String

    public init(_ name: String, _ kind: SettingKind, default defaultValue: String, _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }
}

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

/// The values of one configuration, read against the specs of whoever consumes them.
public struct Settings: Sendable {
    public var values: [String: SettingValue]
    public init(_ values: [String: SettingValue] = [:]) { self.values = values }

    /// The value of `spec.name`, checked against `spec.kind`, or nil when it is not set.
    public func value(_ spec: SettingSpec) throws -> SettingValue? {
        guard let value = values[spec.name] else { return nil }
        guard spec.kind.accepts(value) else {
            throw SettingError(key: spec.name, "expected \(spec.kind.expected), got \(value.text)")
        }
        return value
    }

    public func number(_ spec: SettingSpec, default fallback: Double) throws -> Double {
        if case let .number(x)? = try value(spec) { return x }
        return fallback
    }

    public func integer(_ spec: SettingSpec, default fallback: Int) throws -> Int {
        if case let .number(x)? = try value(spec) { return Int(x) }
        return fallback
    }

    public func bool(_ spec: SettingSpec, default fallback: Bool) throws -> Bool {
        if case let .bool(b)? = try value(spec) { return b }
        return fallback
    }

    public func string(_ spec: SettingSpec, default fallback: String) throws -> String {
        if case let .string(s)? = try value(spec) { return s }
        return fallback
    }

    public func numbers(_ spec: SettingSpec, default fallback: [Double]) throws -> [Double] {
        if case let .numbers(xs)? = try value(spec) { return xs }
        return fallback
    }
}

extension SettingValue {
    /// The value as written in a grid file.
    public var text: String {
        switch self {
        case let .number(x): return x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        case let .bool(b): return b ? "true" : "false"
        case let .string(s): return "\"\(s)\""
        case let .numbers(xs): return "[" + xs.map { SettingValue.number($0).text }.joined(separator: ", ") + "]"
        }
    }
}
