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
    /// values cannot occur in parsed grids; in results they are written as null. Works in a small stack
    /// buffer: expansion plans encode every value of every list with it.
    public static func appendNumber(_ x: Double, to out: inout [UInt8]) {
        guard x.isFinite else { out.append(contentsOf: "null".utf8); return }
        if x == 0 { out.append(UInt8(ascii: "0")); return }
        if x.rounded() == x, abs(x) <= 9_007_199_254_740_992 {
            appendInteger(Int64(x), to: &out)
            return
        }
        if x < 0 { out.append(UInt8(ascii: "-")) }
        var text = abs(x).description
        text.withUTF8 { utf8 in
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { digits in
                let (k, n) = shortestDigits(utf8, into: digits.baseAddress!)
                let zero = UInt8(ascii: "0")
                if k <= n && n <= 21 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<k]))
                    out.append(contentsOf: repeatElement(zero, count: n - k))
                } else if 0 < n && n <= 21 {
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<n]))
                    out.append(UInt8(ascii: "."))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[n..<k]))
                } else if -6 < n && n <= 0 {
                    out.append(contentsOf: [zero, UInt8(ascii: ".")])
                    out.append(contentsOf: repeatElement(zero, count: -n))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[0..<k]))
                } else {
                    out.append(digits[0])
                    if k > 1 {
                        out.append(UInt8(ascii: "."))
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: digits[1..<k]))
                    }
                    out.append(UInt8(ascii: "e"))
                    out.append(UInt8(ascii: n - 1 >= 0 ? "+" : "-"))
                    appendInteger(Int64(abs(n - 1)), to: &out)
                }
            }
        }
    }

    /// Appends the decimal digits of an integer.
    static func appendInteger(_ value: Int64, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { raw in
            var n = 0
            repeat {
                raw[23 - n] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                n += 1
            } while magnitude > 0
            out.append(contentsOf: raw[(24 - n)...])
        }
    }

    /// The shortest decimal digits d₁…d_k (no leading or trailing zeros) of a finite x > 0, written to
    /// `digits`, with k and the exponent n such that x = 0.d₁…d_k × 10ⁿ, read from Swift's `description`
    /// of x (`text`), which already has the shortest digits that round-trip (SwiftDtoa): only their
    /// layout is rearranged here.
    static func shortestDigits(_ text: UnsafeBufferPointer<UInt8>, into digits: UnsafeMutablePointer<UInt8>) -> (count: Int, exponent: Int) {
        var count = 0, integerDigits = 0, leadingZeros = 0, exponent = 0
        var seenPoint = false, seenDigit = false
        var i = 0
        while i < text.count {
            let byte = text[i]
            if byte == UInt8(ascii: ".") {
                seenPoint = true
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                var sign = 1, value = 0
                i += 1
                if text[i] == UInt8(ascii: "-") { sign = -1; i += 1 } else if text[i] == UInt8(ascii: "+") { i += 1 }
                while i < text.count { value = value * 10 + Int(text[i] - UInt8(ascii: "0")); i += 1 }
                exponent = sign * value
                break
            } else {
                if !seenPoint { integerDigits += 1 }
                if byte == UInt8(ascii: "0") && !seenDigit {
                    leadingZeros += 1
                } else {
                    seenDigit = true
                    digits[count] = byte
                    count += 1
                }
            }
            i += 1
        }
        while count > 1, digits[count - 1] == UInt8(ascii: "0") { count -= 1 }
        return (count, integerDigits + exponent - leadingZeros)
    }
}
