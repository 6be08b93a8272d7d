// Small pieces of wording and layout shared by the status and report texts: plurals, ages, and
// wrapping to the 80 columns of a terminal.

/// "1 record", "3 records".
func plural(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }

/// "12s", "5m", "3h", "2d".
func age(_ seconds: Double) -> String {
    let s = max(0, Int(seconds))
    if s < 120 { return "\(s)s" }
    if s < 7200 { return "\(s / 60)m" }
    if s < 172_800 { return "\(s / 3600)h" }
    return "\(s / 86400)d"
}

/// `text` broken at spaces into lines of at most `width` columns: the first indented by `indent`
/// spaces, the rest (and every line after a newline in `text`) by two more; a word longer than a line
/// is cut.
/// `text` with line breaks and other control characters written as escapes (`\n`, `\u{1b}`): values from
/// records (messages, hosts, configuration strings) must not break a report's lines or drive the terminal.
func printable(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: isControl) else { return text }
    var out = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where isControl(scalar): out += "\\u{\(String(scalar.value, radix: 16))}"
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out
}

private func isControl(_ scalar: Unicode.Scalar) -> Bool {
    scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}

func wrap(_ text: String, indent: Int, width: Int = 80) -> String {
    let first = String(repeating: " ", count: indent)
    let rest = first + "  "
    var lines: [String] = []
    for (p, paragraph) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var line = p == 0 ? first : rest
        var empty = true
        for word in paragraph.split(separator: " ") {
            var word = Substring(word)
            while !word.isEmpty {
                if !empty && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = rest
                    empty = true
                }
                let room = width - line.count - (empty ? 0 : 1)
                let piece = word.count <= room || !empty ? word : word.prefix(max(1, room))
                line += (empty ? "" : " ") + piece
                empty = false
                word = word.dropFirst(piece.count)
            }
        }
        lines.append(line)
    }
    return lines.joined(separator: "\n") + "\n"
}
