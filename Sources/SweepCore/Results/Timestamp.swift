// Record times: ISO 8601 in UTC with milliseconds, so that their text sorts as time does.
import Foundation

/// "2026-11-22T04:50:01.123Z" for `date`.
public func isoTimestamp(_ date: Date = Date()) -> String {
    let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(.down))
    var seconds = time_t(milliseconds / 1000)
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func two(_ x: Int32) -> String { x < 10 ? "0\(x)" : "\(x)" }
    let fraction = milliseconds % 1000
    let millis = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
    return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T"
        + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(millis)Z"
}

/// Seconds since 1970 of a record time, "2026-11-22T04:50:01.123Z" (any number of fraction digits, or
/// none); nil for any other text.
public func parseISOTimestamp(_ bytes: UnsafeRawBufferPointer) -> Double? {
    // Fixed positions: YYYY-MM-DDTHH:MM:SS, then an optional .fraction, then Z.
    guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
    func digits(_ from: Int, _ count: Int) -> Int? {
        var n = 0
        for i in from..<(from + count) {
            let byte = bytes[i]
            guard byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") else { return nil }
            n = n * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return n
    }
    let separators: [(Int, UInt8)] = [(4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")),
                                      (13, UInt8(ascii: ":")), (16, UInt8(ascii: ":"))]
    guard separators.allSatisfy({ bytes[$0.0] == $0.1 }),
          let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2),
          let hour = digits(11, 2), let minute = digits(14, 2), let second = digits(17, 2) else { return nil }
    var fraction = 0.0
    if bytes.count > 20 {
        guard bytes[19] == UInt8(ascii: "."), bytes.count > 21, bytes.count - 21 <= 9, let value = digits(20, bytes.count - 21) else { return nil }
        fraction = Double(value) / pow(10, Double(bytes.count - 21))
    }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    return Double(timegm(&parts)) + fraction
}

/// `parseISOTimestamp` of a String.
public func parseISOTimestamp(_ text: String) -> Double? {
    var text = text
    return text.withUTF8 { parseISOTimestamp(UnsafeRawBufferPointer($0)) }
}
