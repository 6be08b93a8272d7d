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
