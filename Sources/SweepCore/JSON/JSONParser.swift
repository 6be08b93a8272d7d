// A strict JSON (RFC 8259) parser of our own: Foundation's JSONSerialization forgets key order and
// positions and silently keeps one of two duplicate keys; grid files need all three.
import Foundation

/// A syntax error: what is wrong and the byte offset where it was found.
public struct JSONSyntaxError: Error, Equatable, Sendable {
    public var message: String
    public var offset: Int
    /// Another place the message refers to (the first definition of a duplicate key).
    public var relatedOffset: Int?

    public init(message: String, offset: Int, relatedOffset: Int? = nil) {
        self.message = message
        self.offset = offset
        self.relatedOffset = relatedOffset
    }
}

/// Parses JSON text into `JSONNode`s. Duplicate keys are errors; nesting deeper than `maxDepth` is an
/// error rather than a stack overflow; integers beyond ±2⁵³ are errors rather than silently rounded.
public struct JSONParser {
    /// Deepest nesting of lists and objects accepted.
    public static let maxDepth = 256

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    /// Parses one complete JSON document.
    public static func parse(_ bytes: [UInt8]) throws -> JSONNode {
        var parser = JSONParser(bytes: bytes)
        // A UTF-8 byte order mark is tolerated, as editors on some systems write one.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.index = 3 }
        parser.skipWhitespace()
        let node = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == bytes.count else {
            throw JSONSyntaxError(message: "unexpected \(parser.describeHere()) after the end of the JSON value",
                                  offset: parser.index)
        }
        return node
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    // MARK: - Values

    private mutating func parseValue() throws -> JSONNode {
        guard index < bytes.count else { throw error("unexpected end of file; expected a value") }
        let start = index
        switch bytes[index] {
        case UInt8(ascii: "{"): return JSONNode(.object(try parseObject()), offset: start)
        case UInt8(ascii: "["): return JSONNode(.array(try parseArray()), offset: start)
        case UInt8(ascii: "\""): return JSONNode(.string(try parseString()), offset: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONNode(.number(try parseNumber()), offset: start)
        case UInt8(ascii: "t"): try expectWord("true"); return JSONNode(.bool(true), offset: start)
        case UInt8(ascii: "f"): try expectWord("false"); return JSONNode(.bool(false), offset: start)
        case UInt8(ascii: "n"): try expectWord("null"); return JSONNode(.null, offset: start)
        case UInt8(ascii: "'"): throw error("strings need double quotes (\"…\"), not single quotes")
        case UInt8(ascii: "/"): throw error("comments are not allowed in JSON")
        default: throw error("unexpected \(describeHere()); expected a value (object, list, string, number, true, false or null)")
        }
    }

    private mutating func parseObject() throws -> [JSONMember] {
        try enterNesting()
        defer { depth -= 1 }
        index += 1 // {
        var members: [JSONMember] = []
        var seen: [String: Int] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) { index += 1; return members }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else {
                if peek(UInt8(ascii: "}")) { throw error("trailing comma before '}' (JSON does not allow one)") }
                throw error("expected a key in double quotes, found \(describeHere())")
            }
            let keyOffset = index
            let key = try parseString()
            if let first = seen[key] {
                throw JSONSyntaxError(message: "duplicate key \"\(key)\"", offset: keyOffset, relatedOffset: first)
            }
            seen[key] = keyOffset
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error("expected ':' after the key \"\(key)\", found \(describeHere())") }
            index += 1
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONMember(key: key, keyOffset: keyOffset, value: value))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { index += 1; continue }
            if peek(UInt8(ascii: "}")) { index += 1; return members }
            if index >= bytes.count { throw error("unexpected end of file inside an object; expected ',' or '}'") }
            throw error("expected ',' or '}' after the value of \"\(key)\", found \(describeHere())")
        }
    }

    private mutating func parseArray() throws -> [JSONNode] {
        try enterNesting()
        defer { depth -= 1 }
        index += 1 // [
        var elements: [JSONNode] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) { index += 1; return elements }
        while true {
            skipWhitespace()
            if peek(UInt8(ascii: "]")) { throw error("trailing comma before ']' (JSON does not allow one)") }
            elements.append(try parseValue())
            skipWhitespace()
            if peek(UInt8(ascii: ",")) { index += 1; continue }
            if peek(UInt8(ascii: "]")) { index += 1; return elements }
            if index >= bytes.count { throw error("unexpected end of file inside a list; expected ',' or ']'") }
            throw error("expected ',' or ']' in a list, found \(describeHere())")
        }
    }

    private mutating func enterNesting() throws {
        depth += 1
        guard depth <= JSONParser.maxDepth else { throw error("lists and objects nested deeper than \(JSONParser.maxDepth) levels") }
    }

    // MARK: - Strings

    private mutating func parseString() throws -> String {
        let quote = index
        index += 1
        var scalars = String.UnicodeScalarView()
        var runStart = index
        func flushRun(_ end: Int) throws {
            guard runStart < end else { return }
            guard let run = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw JSONSyntaxError(message: "invalid UTF-8 in a string", offset: runStart)
            }
            scalars.append(contentsOf: run.unicodeScalars)
        }
        while true {
            guard index < bytes.count else {
                throw JSONSyntaxError(message: "unterminated string (no closing '\"')", offset: quote)
            }
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                try flushRun(index)
                index += 1
                return String(scalars)
            }
            if byte == UInt8(ascii: "\\") {
                try flushRun(index)
                scalars.append(try parseEscape())
                runStart = index
                continue
            }
            if byte < 0x20 {
                throw error(byte == UInt8(ascii: "\n") ? "line break inside a string (unterminated string?)"
                            : "control character inside a string; write it as an escape such as \\t")
            }
            index += 1
        }
    }

    private mutating func parseEscape() throws -> Unicode.Scalar {
        let start = index
        index += 1 // backslash
        guard index < bytes.count else { throw error("unterminated escape sequence") }
        let kind = bytes[index]
        index += 1
        switch kind {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try parseHex4(escapeStart: start)
            if (0xD800..<0xDC00).contains(high) {
                // A surrogate pair: the low half must follow as another \u escape.
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw JSONSyntaxError(message: "unpaired surrogate \\u\(hex(high)) in a string", offset: start)
                }
                index += 2
                let low = try parseHex4(escapeStart: start)
                guard (0xDC00..<0xE000).contains(low) else {
                    throw JSONSyntaxError(message: "unpaired surrogate \\u\(hex(high)) in a string", offset: start)
                }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else {
                throw JSONSyntaxError(message: "unpaired surrogate \\u\(hex(high)) in a string", offset: start)
            }
            return scalar
        default:
            let shown = kind >= 0x21 && kind < 0x7F ? String(Character(Unicode.Scalar(kind))) : describe(kind)
            throw JSONSyntaxError(message: "invalid escape \\\(shown) in a string (valid: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)",
                                  offset: start)
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard index < bytes.count, let digit = hexValue(bytes[index]) else {
                throw JSONSyntaxError(message: "\\u must be followed by four hexadecimal digits", offset: escapeStart)
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: - Numbers

    /// Largest integer a Double holds exactly; integer literals beyond it are refused, not rounded.
    private static let exactIntegerLimit = 9_007_199_254_740_992.0

    private mutating func parseNumber() throws -> Double {
        let start = index
        var isInteger = true
        if peek(UInt8(ascii: "-")) { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit after '-'") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) {
                throw JSONSyntaxError(message: "numbers may not have leading zeros", offset: start)
            }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit after the decimal point") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            index += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("expected a digit in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        // The grammar is checked above; strtod converts (correctly rounded) from a terminated copy.
        let value = withUnsafeTemporaryAllocation(of: CChar.self, capacity: index - start + 1) { text -> Double in
            for (i, byte) in bytes[start..<index].enumerated() { text[i] = CChar(bitPattern: byte) }
            text[index - start] = 0
            return strtod(text.baseAddress!, nil)
        }
        guard value.isFinite else {
            throw JSONSyntaxError(message: "number \(String(decoding: bytes[start..<index], as: UTF8.self)) is out of range", offset: start)
        }
        if isInteger, abs(value) > JSONParser.exactIntegerLimit {
            throw JSONSyntaxError(message: "integer \(String(decoding: bytes[start..<index], as: UTF8.self)) is too large to be represented exactly (limit ±2^53)",
                                  offset: start)
        }
        return value == 0 ? 0 : value // -0 and 0 are the same setting
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    // MARK: - Helpers

    private mutating func expectWord(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
            var end = index
            while end < bytes.count, (bytes[end] >= UInt8(ascii: "a") && bytes[end] <= UInt8(ascii: "z"))
                    || (bytes[end] >= UInt8(ascii: "A") && bytes[end] <= UInt8(ascii: "Z")) { end += 1 }
            let found = String(decoding: bytes[index..<max(end, min(index + 1, bytes.count))], as: UTF8.self)
            throw error("unexpected \"\(found)\"; strings need double quotes, and the only bare words are true, false and null")
        }
        index += expected.count
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func describeHere() -> String {
        index < bytes.count ? describe(bytes[index]) : "end of file"
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return byte == 0x20 ? "a space" : "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(message: message, offset: index) }
}
