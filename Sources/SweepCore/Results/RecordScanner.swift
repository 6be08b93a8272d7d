// Reads a record line's top-level members without building a JSON tree. Records put `event`, `id`,
// `index` and `status` first (ResultRecord), so `head` reads those four from the line's first bytes and
// stops; `forEachMember` walks the members in order, skipping values it is not asked about (the
// configuration is the largest and comes last). Nested values a caller wants go to JSONParser.
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What the first members of a record say: enough to count states without reading further.
public struct RecordHead {
    public var event: RecordEvent
    /// The configuration id's bytes, inside the line.
    public var id: UnsafeRawBufferPointer
    public var index: Int
    /// For `end` records.
    public var status: RunStatus?
}

/// Member-by-member reading of one record line.
public enum RecordScanner {
    /// The line's event, id, index and status: the one test of whether a line is a record, for every
    /// command. Lines written by `ResultRecord` are read from their fixed prefix; others (keys reordered
    /// by another tool) by walking the members. Nil if the line is not a record: not one JSON object to
    /// its last byte (`…"status":"ok"GARBAGE` is not), no event, id or index, or an unknown event or status.
    public static func head(_ line: UnsafeRawBufferPointer) -> RecordHead? {
        guard let head = fastHead(line) ?? walkedHead(line), isObject(line) else { return nil }
        return head
    }

    /// Why `head` refused a line, for problem reports.
    public static let notARecord = "not one JSON object with a known event, an id, an index (and a known status on an end record)"

    /// Whether the line is exactly one JSON object with members: each well delimited up to the closing
    /// brace, and nothing but blanks after it. Nested values are matched by brackets, not parsed.
    public static func isObject(_ line: UnsafeRawBufferPointer) -> Bool {
        let count = line.count
        var i = skipSpace(line, 0)
        guard i < count, line[i] == UInt8(ascii: "{") else { return false }
        i = skipSpace(line, i + 1)
        while i < count {
            guard line[i] == UInt8(ascii: "\""), let keyEnd = stringEnd(line, i) else { return false }
            i = skipSpace(line, keyEnd)
            guard i < count, line[i] == UInt8(ascii: ":") else { return false }
            i = skipSpace(line, i + 1)
            guard let valueEnd = valueEnd(line, i) else { return false }
            i = skipSpace(line, valueEnd)
            guard i < count else { return false }
            if line[i] == UInt8(ascii: "}") { return skipSpace(line, i + 1) == count }
            guard line[i] == UInt8(ascii: ",") else { return false }
            i = skipSpace(line, i + 1)
        }
        return false
    }

    /// Calls `visit` with each top-level member's key and value (both as bytes of the line; a string
    /// value keeps its quotes) until it returns false. Returns false if the line is not a JSON object
    /// as far as it was read.
    @discardableResult
    public static func forEachMember(_ line: UnsafeRawBufferPointer,
                                     _ visit: (_ key: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer) -> Bool) -> Bool {
        let count = line.count
        var i = skipSpace(line, 0)
        guard i < count, line[i] == UInt8(ascii: "{") else { return false }
        i = skipSpace(line, i + 1)
        if i < count, line[i] == UInt8(ascii: "}") { return true }
        while i < count {
            guard line[i] == UInt8(ascii: "\""), let keyEnd = stringEnd(line, i) else { return false }
            let key = UnsafeRawBufferPointer(rebasing: line[(i + 1)..<(keyEnd - 1)])
            i = skipSpace(line, keyEnd)
            guard i < count, line[i] == UInt8(ascii: ":") else { return false }
            i = skipSpace(line, i + 1)
            guard let valueEnd = valueEnd(line, i) else { return false }
            if !visit(key, UnsafeRawBufferPointer(rebasing: line[i..<valueEnd])) { return true }
            i = skipSpace(line, valueEnd)
            guard i < count else { return false }
            if line[i] == UInt8(ascii: "}") { return true }
            guard line[i] == UInt8(ascii: ",") else { return false }
            i = skipSpace(line, i + 1)
        }
        return false
    }

    /// The value of member `name`, or nil.
    public static func member(_ name: StaticString, of line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var found: UnsafeRawBufferPointer?
        forEachMember(line) { key, value in
            if equals(key, name) { found = value; return false }
            return true
        }
        return found
    }

    // MARK: - Values

    /// Whether `bytes` are exactly `literal`'s UTF-8.
    @inline(__always)
    public static func equals(_ bytes: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        bytes.count == literal.utf8CodeUnitCount && (bytes.count == 0 || memcmp(bytes.baseAddress!, literal.utf8Start, bytes.count) == 0)
    }

    /// A string value (with its quotes) as a String; nil if it is not a string.
    public static func string(_ value: UnsafeRawBufferPointer) -> String? {
        guard value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") else { return nil }
        let inner = UnsafeRawBufferPointer(rebasing: value[1..<(value.count - 1)])
        if memchr(inner.baseAddress ?? value.baseAddress!, Int32(UInt8(ascii: "\\")), inner.count) == nil {
            return String(decoding: inner, as: UTF8.self)
        }
        return (try? JSONParser.parse(Array(value)))?.string
    }

    /// A number value; JSON null (how records write NaN and infinities) reads as NaN. Nil for other values.
    public static func number(_ value: UnsafeRawBufferPointer) -> Double? {
        guard let first = value.first else { return nil }
        if first == UInt8(ascii: "n") { return equals(value, "null") ? .nan : nil }
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")), value.count < 64 else { return nil }
        // strtod needs a terminated string; a number is short, so a stack copy is cheap.
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: value.count + 1) { buffer in
            let base = buffer.baseAddress!
            memcpy(base, value.baseAddress!, value.count)
            base[value.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let x = strtod(base, &end)
            return end == base + value.count ? x : nil
        }
    }

    /// A non-negative integer value written in plain digits; nil for anything else.
    public static func integer(_ value: UnsafeRawBufferPointer) -> Int? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var n = 0
        for byte in value {
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return n
    }

    /// A nested value parsed in full (best, curve, config…).
    public static func json(_ value: UnsafeRawBufferPointer) -> JSONValue? {
        (try? JSONParser.parse(Array(value)))?.value
    }

    // MARK: - Heads

    private static let eventPrefix: StaticString = #"{"event":""#
    private static let idPrefix: StaticString = #"","id":""#
    private static let indexPrefix: StaticString = #","index":"#
    private static let statusPrefix: StaticString = #","status":""#

    /// The head read at fixed places: `{"event":"E","id":"I","index":N` then, for an end record,
    /// `,"status":"S"`.
    private static func fastHead(_ line: UnsafeRawBufferPointer) -> RecordHead? {
        var i = 0
        guard expect(line, &i, eventPrefix), let eventEnd = quote(line, from: i),
              let event = recordEvent(UnsafeRawBufferPointer(rebasing: line[i..<eventEnd])) else { return nil }
        i = eventEnd
        guard expect(line, &i, idPrefix), let idEnd = quote(line, from: i) else { return nil }
        let id = UnsafeRawBufferPointer(rebasing: line[i..<idEnd])
        i = idEnd + 1
        guard expect(line, &i, indexPrefix) else { return nil }
        var index = 0, digits = 0
        while i < line.count, line[i] >= UInt8(ascii: "0"), line[i] <= UInt8(ascii: "9"), digits < 18 {
            index = index * 10 + Int(line[i] - UInt8(ascii: "0"))
            i += 1
            digits += 1
        }
        guard digits > 0, i < line.count, line[i] == UInt8(ascii: ",") || line[i] == UInt8(ascii: "}") else { return nil }
        var status: RunStatus?
        if event == .end {
            guard expect(line, &i, statusPrefix), let statusEnd = quote(line, from: i),
                  let parsed = runStatus(UnsafeRawBufferPointer(rebasing: line[i..<statusEnd])) else { return nil }
            status = parsed
        }
        return RecordHead(event: event, id: id, index: index, status: status)
    }

    /// The head found by walking every member (any key order, whitespace allowed).
    private static func walkedHead(_ line: UnsafeRawBufferPointer) -> RecordHead? {
        var event: RecordEvent?, id: UnsafeRawBufferPointer?, index: Int?, status: RunStatus?
        var statusText: UnsafeRawBufferPointer?
        forEachMember(line) { key, value in
            let unquoted = value.count >= 2 && value.first == UInt8(ascii: "\"")
                ? UnsafeRawBufferPointer(rebasing: value[1..<(value.count - 1)]) : nil
            if equals(key, "event") { event = unquoted.flatMap(recordEvent) }
            else if equals(key, "id") { id = unquoted }
            else if equals(key, "index") { index = integer(value) }
            else if equals(key, "status") { statusText = unquoted; status = unquoted.flatMap(runStatus) }
            return true
        }
        guard let event, let id, let index else { return nil }
        if event == .end && status == nil { return nil }
        if statusText != nil && status == nil { return nil }
        return RecordHead(event: event, id: id, index: index, status: status)
    }

    private static func recordEvent(_ bytes: UnsafeRawBufferPointer) -> RecordEvent? {
        if equals(bytes, "epoch") { return .epoch }
        if equals(bytes, "start") { return .start }
        if equals(bytes, "end") { return .end }
        return nil
    }

    private static func runStatus(_ bytes: UnsafeRawBufferPointer) -> RunStatus? {
        if equals(bytes, "ok") { return .ok }
        if equals(bytes, "diverged") { return .diverged }
        if equals(bytes, "failed") { return .failed }
        if equals(bytes, "preempted") { return .preempted }
        return nil
    }

    // MARK: - Lexing

    /// Consumes `literal` at `i` if it is there.
    @inline(__always)
    private static func expect(_ line: UnsafeRawBufferPointer, _ i: inout Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard i + n <= line.count, memcmp(line.baseAddress! + i, literal.utf8Start, n) == 0 else { return false }
        i += n
        return true
    }

    /// The position of the next `"` from `i`, if no backslash comes first (ids, events and statuses
    /// never need escapes; anything else goes the slow way).
    @inline(__always)
    private static func quote(_ line: UnsafeRawBufferPointer, from i: Int) -> Int? {
        var j = i
        while j < line.count {
            let byte = line[j]
            if byte == UInt8(ascii: "\"") { return j }
            if byte == UInt8(ascii: "\\") { return nil }
            j += 1
        }
        return nil
    }

    private static func skipSpace(_ line: UnsafeRawBufferPointer, _ i: Int) -> Int {
        var j = i
        while j < line.count, line[j] == 0x20 || line[j] == 0x09 || line[j] == 0x0D || line[j] == 0x0A { j += 1 }
        return j
    }

    /// The position just after the string that opens at `i`. Quotes are found with memchr (most of a
    /// record's bytes are inside strings); a quote preceded by an odd run of backslashes is escaped.
    private static func stringEnd(_ line: UnsafeRawBufferPointer, _ i: Int) -> Int? {
        let base = line.baseAddress!
        var j = i + 1
        while j < line.count {
            guard let found = memchr(base + j, Int32(UInt8(ascii: "\"")), line.count - j) else { return nil }
            let quote = base.distance(to: UnsafeRawPointer(found))
            var backslashes = 0
            while quote - backslashes - 1 > i, line[quote - backslashes - 1] == UInt8(ascii: "\\") { backslashes += 1 }
            if backslashes % 2 == 0 { return quote + 1 }
            j = quote + 1
        }
        return nil
    }

    /// The position just after the value that starts at `i`: strings and nested containers are
    /// matched (brackets inside strings do not count), scalars run to the next delimiter.
    private static func valueEnd(_ line: UnsafeRawBufferPointer, _ i: Int) -> Int? {
        guard i < line.count else { return nil }
        switch line[i] {
        case UInt8(ascii: "\""): return stringEnd(line, i)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // Only quotes and brackets matter here; the raw pointer keeps this loop free of checks.
            let base = line.baseAddress!.assumingMemoryBound(to: UInt8.self)
            var depth = 0, j = i
            while j < line.count {
                let byte = base[j]
                if byte == UInt8(ascii: "\"") {
                    guard let end = stringEnd(line, j) else { return nil }
                    j = end
                    continue
                }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    depth += 1
                } else if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return j + 1 }
                }
                j += 1
            }
            return nil
        default:
            var j = i
            while j < line.count {
                let byte = line[j]
                if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]")
                    || byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A { break }
                j += 1
            }
            return j > i ? j : nil
        }
    }
}
