/// What values a key accepts.
public enum KeyKind: Equatable, Sendable {
    /// A number in `range` (bounds included unless `exclusiveMinimum`).
    case number(ClosedRange<Double>, exclusiveMinimum: Bool = false)
    /// A number in [0, 1): a dropout rate, whose keep-scale 1/(1 − p) has no value at 1.
    case probability
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
    public func accepts(_ value: KeyValue) -> Bool {
        switch (self, value) {
        case let (.number(range, exclusive), .number(x)):
            return range.contains(x) && !(exclusive && x == range.lowerBound)
        case let (.probability, .number(x)):
            return x >= 0 && x < 1
        case let (.integer(range), .number(x)):
            return Self.isInteger(x, in: range)
        case (.bool, .bool), (.string, .string): return true
        case let (.choice(options), .string(s)): return options.contains(s)
        case let (.numbers(range, count), .numbers(xs)):
            return count.contains(xs.count) && xs.allSatisfy(range.contains)
        case let (.integers(range, count), .numbers(xs)):
            return count.contains(xs.count) && xs.allSatisfy { Self.isInteger($0, in: range) }
        default: return false
        }
    }

    /// Whether `value` has the type this kind wants, whatever its range.
    public func matchesType(of value: KeyValue) -> Bool {
        switch (self, value) {
        case (.number, .number), (.probability, .number), (.integer, .number), (.bool, .bool), (.choice, .string), (.string, .string),
             (.numbers, .numbers), (.integers, .numbers): return true
        default: return false
        }
    }

    /// Whether values of this kind are lists (a grid may then write one bare number for a list of one).
    public var isList: Bool {
        switch self {
        case .numbers, .integers: return true
        default: return false
        }
    }

    /// What is expected, in words: "a number > 0", "an integer from 1 to 1000", "one of sum, mean".
    public var expected: String {
        switch self {
        case let .number(r, exclusive): return "a number " + Self.numberRange(r, exclusive: exclusive)
        case let .integer(r): return "an integer " + Self.intRange(r)
        case .probability: return "a number " + Self.probabilityRange
        case .bool: return "true or false"
        case let .choice(options): return "one of " + options.joined(separator: ", ")
        case .string: return "a string"
        case let .numbers(r, c): return "a list \(Self.length(c)) numbers " + Self.numberRange(r, exclusive: false)
        case let .integers(r, c): return "a list \(Self.length(c)) integers " + Self.intRange(r)
        }
    }

    /// What a value of the right type but out of range must be: the bare range for numbers ("≥ 0"),
    /// `expected` otherwise, as in "invalid lr: -0.1 (must be ≥ 0)".
    public var requirement: String {
        switch self {
        case let .number(r, exclusive): return Self.numberRange(r, exclusive: exclusive)
        case .probability: return Self.probabilityRange
        default: return expected
        }
    }

    /// A value this kind accepts, for tests and examples: the lower end of its range.
    public var example: KeyValue {
        switch self {
        case let .number(r, exclusive):
            let low = r.lowerBound.isFinite ? r.lowerBound : min(0, r.upperBound)
            return .number(exclusive ? (r.upperBound.isFinite ? (low + r.upperBound) / 2 : low + 1) : low)
        case .probability: return .number(0)
        case let .integer(r): return .number(Double(r.lowerBound))
        case .bool: return .bool(true)
        case let .choice(options): return .string(options[0])
        case .string: return .string("example")
        case let .numbers(r, c): return .numbers(Array(repeating: r.lowerBound, count: max(c.lowerBound, 1)))
        case let .integers(r, c):
            // Distinct increasing entries satisfy lists that must increase (milestones, restart bases).
            return .numbers((0..<max(c.lowerBound, 1)).map { Double(r.lowerBound + $0) })
        }
    }

    private static func isInteger(_ x: Double, in range: ClosedRange<Int>) -> Bool {
        x.rounded() == x && x >= Double(range.lowerBound) && x <= Double(range.upperBound)
    }

    private static let probabilityRange = "in [0, 1)"

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
