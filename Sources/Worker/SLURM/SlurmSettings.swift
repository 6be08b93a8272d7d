// The grid file's `slurm` block: what `sweep submit` asks SLURM for. Checked with the rest of the grid,
// with positions, so a typo never reaches sbatch.
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
        func string(_ member: JSONMember) -> String? {
            if let text = member.value.string, !text.isEmpty { return text }
            fail(member.value.offset, "slurm.\(member.key) must be a non-empty string")
            return nil
        }
        func count(_ member: JSONMember) -> Int? {
            if case let .number(x) = member.value.content, x.rounded() == x, x >= 1, x <= 1_000_000 { return Int(x) }
            fail(member.value.offset, "slurm.\(member.key) must be an integer ≥ 1")
            return nil
        }
        for member in members {
            switch member.key {
            case "partition": partition = string(member)
            case "account": account = string(member)
            case "qos": qos = string(member)
            case "constraint": constraint = string(member)
            case "gres": gres = string(member)
            case "time":
                guard let text = string(member) else { continue }
                if SlurmSettings.isTimeLimit(text) { time = text } else {
                    fail(member.value.offset, "slurm.time \"\(text)\" is not a SLURM time: minutes, MM:SS, HH:MM:SS or D-HH[:MM[:SS]]")
                }
            case "mem":
                guard let text = string(member) else { continue }
                if text.range(of: #"^[0-9]+[KMGT]?$"#, options: .regularExpression) != nil { mem = text } else {
                    fail(member.value.offset, "slurm.mem \"\(text)\" is not a SLURM memory size such as 4000M or 16G")
                }
            case "cpus_per_task": cpusPerTask = count(member)
            case "max_concurrent": maxConcurrent = count(member)
            case "tasks": tasks = count(member)
            case "extra":
                if let elements = member.value.elements, elements.allSatisfy({ $0.string?.hasPrefix("--") == true }) {
                    extra = elements.compactMap(\.string)
                } else {
                    fail(member.value.offset, "slurm.extra must be a list of sbatch options, each starting with --")
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
        text.range(of: #"^([0-9]+|[0-9]+:[0-9]{1,2}|[0-9]+:[0-9]{1,2}:[0-9]{1,2}|[0-9]+-[0-9]{1,2}(:[0-9]{1,2}(:[0-9]{1,2})?)?)$"#,
                   options: .regularExpression) != nil
    }
}
