// How an optimizer or a learning-rate schedule describes the configuration keys it takes. This mirrors
// Models' `Catalog/Setting.swift` (Optim cannot import Models): the kinds have the same cases and the same
// `accepts`/`expected` meaning, so Worker turns both into grid-validator rules with the same code.

/// A hyperparameter value as an optimizer sees it (Worker converts grid JSON into these).
public enum HyperValue: Equatable, Sendable {
    case number(Double)
    case bool(Bool)
    case string(String)
    case numbers([Double])
}

/// What values a hyperparameter accepts.
public enum HyperparameterKind: Equatable, Sendable {
    /// A number in `range` (bounds included unless `exclusiveMinimum`).
    case number(ClosedRange<Double>, exclusiveMinimum: Bool = false)
    /// An integer in `range`.
    case integer(ClosedRange<Int>)
    case bool
    /// One of these strings.
    case choice([String])
    /// Any string.
    case string
    /// A list of numbers, each in `range`, with a length in `count`.
    case numbers(ClosedRange<Double>, count: ClosedRange<Int>)
    /// A list of integers, each in `range`, with a length in `count`.
    case integers(ClosedRange<Int>, count: ClosedRange<Int>)

    /// Whether `value` is acceptable.
    public func accepts(_ value: HyperValue) -> Bool {
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
        switch self {
        case let .number(r, exclusive): return "a number " + Self.numberRange(r, exclusive: exclusive)
        case let .integer(r): return "an integer " + Self.intRange(r)
        case .bool: return "true or false"
        case let .choice(options): return "one of " + options.joined(separator: ", ")
        case .string: return "a string"
        case let .numbers(r, c): return "a list \(Self.length(c)) numbers " + Self.numberRange(r, exclusive: false)
        case let .integers(r, c): return "a list \(Self.length(c)) integers " + Self.intRange(r)
        }
    }

    /// What a value of the right type but out of range must be: the bare range for numbers ("≥ 0"),
    /// `expected` otherwise. Error messages use it: "invalid lr: -0.1 (must be ≥ 0)".
    var requirement: String {
        if case let .number(r, exclusive) = self { return Self.numberRange(r, exclusive: exclusive) }
        return expected
    }

    private static func bound(_ x: Double) -> String { x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : "\(x)" }

    private static func numberRange(_ r: ClosedRange<Double>, exclusive: Bool) -> String {
        switch (r.lowerBound.isFinite, r.upperBound.isFinite) {
        case (true, true): return exclusive ? "in (\(bound(r.lowerBound)), \(bound(r.upperBound))]"
            : "in [\(bound(r.lowerBound)), \(bound(r.upperBound))]"
        case (true, false): return (exclusive ? "> " : "≥ ") + bound(r.lowerBound)
        case (false, true): return "≤ " + bound(r.upperBound)
        case (false, false): return "(any value)"
        }
    }

    private static func intRange(_ r: ClosedRange<Int>) -> String {
        r.upperBound == Int.max ? "≥ \(r.lowerBound)" : "from \(r.lowerBound) to \(r.upperBound)"
    }

    private static func length(_ c: ClosedRange<Int>) -> String {
        c.lowerBound == c.upperBound ? "of \(c.lowerBound)" : c.upperBound == Int.max ? "of at least \(c.lowerBound)"
            : "of \(c.lowerBound) to \(c.upperBound)"
    }
}

/// One configuration key an optimizer or schedule takes.
public struct HyperparameterSpec: Equatable, Sendable {
    public var name: String
    public var kind: HyperparameterKind
    /// The default in words (`"0.001"`, `"[0.9, 0.999]"`, `"required"`), for help and error messages.
    public var defaultValue: String
    /// One line on what it does.
    public var summary: String
    /// The default as a value, or nil when there is none (the key is required, or its absence means
    /// something, like AggMo's `betas` when `a` and `k` are given).
    public var fallback: HyperValue?

    public init(_ name: String, _ kind: HyperparameterKind, default defaultValue: String, _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
        self.fallback = nil
    }

    /// A spec whose default is a value; `defaultValue` is its text.
    public init(_ name: String, _ kind: HyperparameterKind, _ fallback: HyperValue, _ summary: String) {
        self.init(name, kind, default: fallback.text, summary)
        self.fallback = fallback
    }
}

extension HyperValue {
    /// The value as written in a grid file.
    public var text: String {
        switch self {
        case let .number(x): return x.rounded() == x && abs(x) < 1e15 ? String(Int(x)) : "\(x)"
        case let .bool(b): return b ? "true" : "false"
        case let .string(s): return "\"\(s)\""
        case let .numbers(xs): return "[" + xs.map { HyperValue.number($0).text }.joined(separator: ", ") + "]"
        }
    }
}
