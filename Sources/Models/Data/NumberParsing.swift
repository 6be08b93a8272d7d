// Decimal numbers in text files (CSV fields, LIBSVM labels and values), parsed straight from the file's
// bytes without making a String per field. Plain integers are converted here exactly; anything else goes
// to the C library's correctly rounded `strtod`.
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

enum NumberParsing {
    /// The finite number spelled by all of `text` (no surrounding spaces), or nil.
    static func double(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        if let integer = integer(text), abs(integer) < 1 << 53 {
            return integer == 0 && text[0] == UInt8(ascii: "-") ? -0.0 : Double(integer)  // as strtod reads "-0"
        }
        // strtod needs a NUL-terminated copy; 64 bytes covers every number a data file writes.
        guard !text.isEmpty && text.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> Double? in
            for k in 0..<text.count { buffer[k] = CChar(bitPattern: text[k]) }
            buffer[text.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end - buffer.baseAddress! == text.count, value.isFinite,
                  !isSpace(text[0]) else { return nil }
            return value
        }
    }

    /// The integer spelled by all of `text` (optional sign, then decimal digits), or nil.
    static func integer(_ text: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        var negative = false
        if i < text.count && (text[i] == UInt8(ascii: "-") || text[i] == UInt8(ascii: "+")) {
            negative = text[i] == UInt8(ascii: "-")
            i += 1
        }
        guard i < text.count && text.count - i <= 18 else { return nil }  // 18 digits cannot overflow Int
        var value = 0
        while i < text.count {
            let digit = Int(text[i]) &- 48
            guard digit >= 0 && digit <= 9 else { return nil }
            value = value * 10 + digit
            i += 1
        }
        return negative ? -value : value
    }

    /// Space or tab, the separators inside a line.
    @inline(__always) static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
}
