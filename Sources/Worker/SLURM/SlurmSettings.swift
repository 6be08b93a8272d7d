// The grid file's `slurm` block: what `sweep submit` asks SLURM for. Checked with the rest of the grid,
// with positions, so a typo never reaches sbatch. Every value becomes part of an `#SBATCH` line, so each
// is held to the characters its option can need: a newline would end the directives and start a shell
// line, a blank would smuggle in another option.
import SweepCore
import Vocabulary

/// Resources and limits for a sweep's array jobs.
public struct SlurmSettings: Equatable, Sendable {
    public var partition: String?
    /// Wall-clock limit per task, as sbatch takes it ("12:00:00", "2-00:00:00", "90").
    public var time: String?
    public var cpusPerTask: Int?
    /// Memory per task as sbatch takes it ("16G", "4000M").
    public var mem: String?
    /// How many tasks may run at once (the array's `%` throttle).
    public var maxConcurrent: Int?
    public var account: String?
    public var qos: String?
    public var constraint: String?
    public var gres: String?
    /// Number of array tasks to spread the configurations over (default: one per configuration).
    public var tasks: Int?
    /// Further sbatch options, each one argument ("--exclusive", "--mail-type=END").
    public var extra: [String] = []

    public static let keys = ["partition", "time", "cpus_per_task", "mem", "max_concurrent", "account", "qos",
                              "constraint", "gres", "tasks", "extra"]

    public init() {}

    /// Reads the grid's `slurm` block (none: all defaults); throws `GridErrors` with positions.
    public init(grid: Grid) throws {
        guard let block = grid.slurm, let members = block.members else { return }
        var errors: [GridError] = []
        func fail(_ offset: Int, _ message: String) {
            errors.append(GridError(.invalidValue, path: grid.source.path, position: grid.source.position(of: offset), message))
        }
        func string(_ member: JSONMember, allowing extra: String = "") -> String? {
            guard let text = member.value.string, !text.isEmpty else {
                fail(member.value.offset, "slurm.\(member.key) must be a non-empty string")
                return nil
            }
            guard SlurmSettings.isWord(text, allowing: extra) else {
                fail(member.value.offset, "slurm.\(member.key) \(SlurmSettings.shown(text)) may hold only letters, digits and "
                     + ([".", "_", "-"] + extra.map(String.init)).joined(separator: " "))
                return nil
            }
            return text
        }
        func count(_ member: JSONMember) -> Int? {
            if case let .number(x) = member.value.content, x.rounded() == x, x >= 1, x <= 1_000_000 { return Int(x) }
            fail(member.value.offset, "slurm.\(member.key) must be an integer ≥ 1")
            return nil
        }
        for member in members {
            switch member.key {
            case "partition": partition = string(member, allowing: ",")
            case "account": account = string(member)
            case "qos": qos = string(member)
            case "constraint": constraint = string(member, allowing: "&|,*[]()!:")
            case "gres": gres = string(member, allowing: ":,=/()")
            case "time":
                guard let text = string(member, allowing: ":") else { continue }
                if SlurmSettings.isTimeLimit(text) { time = text } else {
                    fail(member.value.offset, "slurm.time \(SlurmSettings.shown(text)) is not a SLURM time: minutes, MM:SS, HH:MM:SS or D-HH[:MM[:SS]]")
                }
            case "mem":
                guard let text = string(member) else { continue }
                if SlurmSettings.isMemorySize(text) { mem = text } else {
                    fail(member.value.offset, "slurm.mem \(SlurmSettings.shown(text)) is not a SLURM memory size such as 4000M or 16G")
                }
            case "cpus_per_task": cpusPerTask = count(member)
            case "max_concurrent": maxConcurrent = count(member)
            case "tasks": tasks = count(member)
            case "extra":
                if let elements = member.value.elements, elements.allSatisfy({ $0.string.map(SlurmSettings.isOption) == true }) {
                    extra = elements.compactMap(\.string)
                } else {
                    fail(member.value.offset, "slurm.extra must be a list of sbatch options, each one word: --name or --name=value "
                         + "(no blanks, quotes, backslashes or control characters)")
                }
            default:
                var message = "unknown key \"\(member.key)\" in slurm"
                if let near = nearestName(to: member.key, among: SlurmSettings.keys) { message += "; did you mean \"\(near)\"?" }
                errors.append(GridError(.unknownKey, path: grid.source.path, position: grid.source.position(of: member.keyOffset),
                                        message + " (valid: \(SlurmSettings.keys.joined(separator: ", ")))"))
            }
        }
        if !errors.isEmpty { throw GridErrors(errors) }
    }

    /// sbatch's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS.
    static func isTimeLimit(_ text: String) -> Bool {
        // `$` would also match before a final newline; the word check rules that out first.
        isWord(text, allowing: ":") && text.range(of: #"^([0-9]+|[0-9]+:[0-9]{1,2}|[0-9]+:[0-9]{1,2}:[0-9]{1,2}|[0-9]+-[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2})?)?)$"#,
                   options: .regularExpression) != nil
    }

    /// A memory size: digits, then an optional unit K, M, G or T.
    static func isMemorySize(_ text: String) -> Bool {
        isWord(text) && text.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) != nil
    }

    /// Whether `text` is ASCII letters, digits, `.`, `_`, `-` and the characters of `extra` only.
    static func isWord(_ text: String, allowing extra: String = "") -> Bool {
        let allowed = Set(("._-" + extra).utf8)
        return text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || allowed.contains(byte)
        }
    }

    /// An extra sbatch option: `--name` or `--name=value`, one word of printable ASCII with no quotes or
    /// backslashes (sbatch splits directives at blanks and reads quotes itself).
    static func isOption(_ text: String) -> Bool {
        guard text.hasPrefix("--") else { return false }
        let option = text.dropFirst(2)
        let name = option.prefix { $0 != "=" }, value = option.dropFirst(name.count)
        guard !name.isEmpty, isWord(String(name)) else { return false }
        return value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "'") && $0 != UInt8(ascii: "\\") }
    }

    /// A value for an error message: quoted, with control characters escaped and at most 60 characters.
    static func shown(_ text: String) -> String {
        let escaped = text.prefix(60).unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
        return "\"" + escaped.joined() + (text.count > 60 ? "…" : "") + "\""
    }
}
