// A boundary drawn over a 2-D map: an inequality in the map's two keys, such as the full-batch
// stability bound of SGD with momentum on a quadratic whose largest eigenvalue is 1,
// `lr < 2*(1+momentum)`. Numbers, the two keys, + − * / ^, parentheses and sqrt, log, exp, abs;
// one comparison (<, <=, >, >=) at the top. The map draws where its two sides are equal.
import Foundation

/// What is wrong with a boundary expression; `offset` counts characters from its start.
public enum BoundaryError: Error, Equatable, CustomStringConvertible {
    case unexpected(found: String, offset: Int, expected: String)
    case unknownName(String, offset: Int, valid: [String])
    case noComparison

    public var description: String {
        switch self {
        case let .unexpected(found, offset, expected):
            return "boundary: \(found.isEmpty ? "end of expression" : "\"\(found)\"") at character \(offset + 1); expected \(expected)"
        case let .unknownName(name, offset, valid):
            return "boundary: unknown name \"\(name)\" at character \(offset + 1) (valid: \(valid.joined(separator: ", ")))"
        case .noComparison:
            return "boundary: no comparison; write it as an inequality, e.g. \"lr < 2*(1+momentum)\""
        }
    }
}

/// A parsed inequality `left op right` in two variables.
public struct BoundaryExpression: Sendable {
    indirect enum Node: Sendable {
        case number(Double)
        case variable(Int)
        case unary(String, Node)
        case binary(Character, Node, Node)
    }

    public let text: String
    let left: Node
    let right: Node
    /// The comparison: "<", "<=", ">" or ">=".
    let comparison: String

    /// Parses `text` with `variables` (the map's x and y keys) as its only names.
    public init(_ text: String, variables: [String]) throws {
        var parser = Parser(characters: Array(text), variables: variables)
        left = try parser.sum()
        parser.skipSpaces()
        guard let comparison = parser.comparison() else {
            if parser.position == parser.characters.count { throw BoundaryError.noComparison }
            throw parser.unexpected("a comparison (<, <=, >, >=) or an operator")
        }
        right = try parser.sum()
        parser.skipSpaces()
        guard parser.position == parser.characters.count else { throw parser.unexpected("the end of the expression") }
        self.text = text
        self.comparison = comparison
    }

    /// right − left, signed so that it is positive where the inequality holds; its zero set is the boundary.
    public func margin(_ values: [Double]) -> Double {
        let difference = Self.evaluate(right, values) - Self.evaluate(left, values)
        return comparison.hasPrefix("<") ? difference : -difference
    }

    /// Whether the inequality holds at `values` (x, y).
    public func holds(_ values: [Double]) -> Bool {
        let m = margin(values)
        return comparison.hasSuffix("=") ? m >= 0 : m > 0
    }

    static func evaluate(_ node: Node, _ values: [Double]) -> Double {
        switch node {
        case let .number(x): return x
        case let .variable(i): return values[i]
        case let .unary(name, inner):
            let x = evaluate(inner, values)
            switch name {
            case "-": return -x
            case "sqrt": return x.squareRoot()
            case "log": return log(x)
            case "exp": return exp(x)
            default: return abs(x)
            }
        case let .binary(op, a, b):
            let x = evaluate(a, values), y = evaluate(b, values)
            switch op {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            case "/": return x / y
            default: return pow(x, y)
            }
        }
    }

    /// Recursive descent: sum := product (± product)*; product := unary (*|/ unary)*;
    /// unary := − unary | power; power := atom (^ unary)?; atom := number | name | function(sum) | (sum).
    private struct Parser {
        let characters: [Character]
        let variables: [String]
        var position = 0
        static let functions = ["sqrt", "log", "exp", "abs"]

        mutating func skipSpaces() { while position < characters.count, characters[position].isWhitespace { position += 1 } }

        func unexpected(_ expected: String) -> BoundaryError {
            .unexpected(found: position < characters.count ? String(characters[position]) : "", offset: position, expected: expected)
        }

        mutating func comparison() -> String? {
            guard position < characters.count, characters[position] == "<" || characters[position] == ">" else { return nil }
            var op = String(characters[position])
            position += 1
            if position < characters.count, characters[position] == "=" { op += "="; position += 1 }
            return op
        }

        mutating func sum() throws -> Node {
            var node = try product()
            while true {
                skipSpaces()
                guard position < characters.count, characters[position] == "+" || characters[position] == "-" else { return node }
                let op = characters[position]
                position += 1
                node = .binary(op, node, try product())
            }
        }

        mutating func product() throws -> Node {
            var node = try unary()
            while true {
                skipSpaces()
                guard position < characters.count, characters[position] == "*" || characters[position] == "/" else { return node }
                let op = characters[position]
                position += 1
                node = .binary(op, node, try unary())
            }
        }

        mutating func unary() throws -> Node {
            skipSpaces()
            if position < characters.count, characters[position] == "-" {
                position += 1
                return .unary("-", try unary())
            }
            let base = try atom()
            skipSpaces()
            if position < characters.count, characters[position] == "^" {
                position += 1
                return .binary("^", base, try unary())
            }
            return base
        }

        mutating func atom() throws -> Node {
            skipSpaces()
            guard position < characters.count else { throw unexpected("a number, a key or \"(\"") }
            let start = position
            let c = characters[position]
            if c == "(" {
                position += 1
                let inner = try sum()
                skipSpaces()
                guard position < characters.count, characters[position] == ")" else { throw unexpected("\")\"") }
                position += 1
                return inner
            }
            if c.isNumber || c == "." {
                while position < characters.count, characters[position].isNumber || characters[position] == "." { position += 1 }
                // An exponent: 1e-3, 2.5E+2.
                if position < characters.count, characters[position] == "e" || characters[position] == "E" {
                    var end = position + 1
                    if end < characters.count, characters[end] == "+" || characters[end] == "-" { end += 1 }
                    if end < characters.count, characters[end].isNumber {
                        position = end
                        while position < characters.count, characters[position].isNumber { position += 1 }
                    }
                }
                guard let value = Double(String(characters[start..<position])) else {
                    position = start
                    throw unexpected("a number")
                }
                return .number(value)
            }
            if c.isLetter || c == "_" {
                while position < characters.count,
                      characters[position].isLetter || characters[position].isNumber || characters[position] == "_" || characters[position] == "." {
                    position += 1
                }
                let name = String(characters[start..<position])
                if let index = variables.firstIndex(of: name) { return .variable(index) }
                if Self.functions.contains(name) {
                    skipSpaces()
                    guard position < characters.count, characters[position] == "(" else { throw unexpected("\"(\" after \(name)") }
                    return .unary(name, try atom())
                }
                throw BoundaryError.unknownName(name, offset: start, valid: variables + Self.functions.map { $0 + "()" })
            }
            throw unexpected("a number, a key or \"(\"")
        }
    }
}
