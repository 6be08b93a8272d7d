// `sweep keys`: every configuration key, by owner and component, with its kind, default and meaning:
// the registry as a user reads it.
import SweepCore
import Vocabulary
import Worker

struct Keys: Command {
    static let name = "keys"
    static let abstract = "list the configuration keys: owner, component, values accepted, default, meaning"
    static let usage = """
        sweep keys [OWNER [NAME]]
          OWNER  run, optimizer, schedule, model or dataset: only that part's keys
          NAME   only that component's (e.g. `sweep keys optimizer adam_c`)
          A key belongs to the one chosen component that declares it; where two chosen components declare
          the same key (optimizer sgd_c and dataset synthetic_powerlaw both take kappa), write it qualified:
          "optimizer.kappa", "dataset.kappa". A qualified key is always accepted.
        """

    let owner: Owner?
    let component: String?

    init(_ arguments: inout Arguments) throws {
        let ownerName = arguments.positional()
        if let ownerName {
            guard let owner = Owner(rawValue: ownerName) else {
                throw UsageError("unknown owner \"\(ownerName)\" (valid: \(Owner.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self.owner = owner
        } else {
            owner = nil
        }
        component = arguments.positional()
    }

    func run() throws -> ExitStatus {
        let catalog = Registry.catalog
        var parts: [(owner: Owner, components: [Component], defaultComponent: String?)] = [(.run, [catalog.run], nil)]
        parts += catalog.selectors.map { ($0.owner, $0.components, $0.defaultComponent) }
        var text = ""
        for part in parts where owner == nil || part.owner == owner {
            let chosen = part.components.filter { component == nil || $0.name == component }
            if let component, chosen.isEmpty {
                throw UsageError("unknown \(part.owner.rawValue) \"\(component)\" (valid: \(part.components.map(\.name).joined(separator: ", ")))")
            }
            for entry in chosen {
                let heading = part.owner == .run ? "run" : "\(part.owner.rawValue) \(entry.name)"
                    + (entry.name == part.defaultComponent ? " (the default)" : "")
                text += heading + ": " + entry.summary + "\n"
                let width = entry.keys.map(\.name.count).max() ?? 0
                for spec in entry.keys {
                    text += "  " + spec.name.padding(toLength: width + 2, withPad: " ", startingAt: 0)
                        + "\(spec.kind.expected); default \(spec.defaultText). \(spec.summary)\n"
                }
                for refusal in entry.refused { text += "  \(refusal.name): refused, \(refusal.reason)\n" }
                if entry.keys.isEmpty && entry.refused.isEmpty { text += "  (no keys)\n" }
            }
        }
        print(text, terminator: "")
        return .success
    }
}
