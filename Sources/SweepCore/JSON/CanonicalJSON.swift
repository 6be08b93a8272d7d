// The canonical text of a JSON value: the input of configuration ids, so it must never change.
// Keys sorted by Unicode code point, no whitespace, strings with minimal escapes, numbers in the
// shortest form that reads back to the same Double, written as ECMAScript's Number::toString does
// (JSON.stringify): 0.1, 0.00001, 1e-7, 100, 1e+21. Integral values print as integers, so 5, 5.0 and
// 5e0 are one setting.

/// Writes JSON values in canonical form.
public enum CanonicalJSON {
    /// The canonical text of `value`.
    public static func string(_ value: JSONValue) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the canonical UTF-8 bytes of `value`.
    public static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case let .bool(b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case let .number(x): appendNumber(x, to: &out)
        case let .string(s): appendString(s, to: &out)
        case let .array(elements):
            out.append(UInt8(ascii: "["))
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .object(members):
            out.append(UInt8(ascii: "{"))
            for (i, key) in sortedKeys(members.keys).enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(members[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// Keys in canonical order: by Unicode code point, which is the byte order of their UTF-8.
    public static func sortedKeys<S: Sequence>(_ keys: S) -> [String] where S.Element == String {
        keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Appends a JSON string literal: `"` and `\` escaped, control characters as \n, \t… or \u00XX,
    /// everything else (non-ASCII included) as UTF-8.
    public static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a finite number in its shortest round-trip form (see the file comment). Non-finite
    /// values cannot occur in parsed grids; in results they are written as null.
    public static func appendNumber(_ x: Double, to out: inout [UInt8]) {
        guard x.isFinite else { out.append(contentsOf: "null".utf8); return }
        if x == 0 { out.append(UInt8(ascii: "0")); return }
        if x.rounded() == x, abs(x) < 1e21 {
            if abs(x) <= 9_007_199_254_740_992 {
                out.append(contentsOf: String(Int64(x)).utf8)
                return
            }
        }
        if x < 0 { out.append(UInt8(ascii: "-")) }
        let (digits, n) = shortestDigits(abs(x))
        let k = digits.count
        let zero = UInt8(ascii: "0")
        if k <= n && n <= 21 {
            out.append(contentsOf: digits)
            out.append(contentsOf: repeatElement(zero, count: n - k))
        } else if 0 < n && n <= 21 {
            out.append(contentsOf: digits[0..<n])
            out.append(UInt8(ascii: "."))
            out.append(contentsOf: digits[n...])
        } else if -6 < n && n <= 0 {
            out.append(contentsOf: [zero, UInt8(ascii: ".")])
            out.append(contentsOf: repeatElement(zero, count: -n))
            out.append(contentsOf: digits)
        } else {
            out.append(digits[0])
            if k > 1 {
                out.append(UInt8(ascii: "."))
                out.append(contentsOf: digits[1...])
            }
            out.append(UInt8(ascii: "e"))
            out.append(UInt8(ascii: n - 1 >= 0 ? "+" : "-"))
            out.append(contentsOf: String(abs(n - 1)).utf8)
        }
    }

    /// The shortest decimal digits d₁…d_k (no leading or trailing zeros) and the exponent n with
    /// x = 0.d₁…d_k × 10ⁿ, for finite x > 0. Swift's `description` already prints the shortest digits
    /// that round-trip (SwiftDtoa); only their layout is rearranged here.
    static func shortestDigits(_ x: Double) -> (digits: [UInt8], exponent: Int) {
        let text = Array(x.description.utf8)
        var mantissa = text[...]
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = text[..<e]
            exponent = Int(String(decoding: text[(e + 1)...], as: UTF8.self))!
        }
        let point = mantissa.firstIndex(of: UInt8(ascii: ".")) ?? mantissa.endIndex
        let integerDigits = point - mantissa.startIndex
        var digits = Array(mantissa.filter { $0 != UInt8(ascii: ".") })
        var leadingZeros = 0
        while leadingZeros < digits.count - 1, digits[leadingZeros] == UInt8(ascii: "0") { leadingZeros += 1 }
        digits.removeFirst(leadingZeros)
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, integerDigits + exponent - leadingZeros)
    }
}
