// What can be wrong with an optimizer or schedule configuration, a tensor layout or a saved state. The
// cases carry the data; `description` writes the English in one place, naming the key, the value and what
// would be right.
import Vocabulary

/// An optimizer or learning-rate schedule that cannot be built as configured.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// No optimizer or schedule of that name. `kind` is "optimizer" or "schedule".
    case unknownName(kind: String, name: String, valid: [String])
    /// A key `owner` does not take. `usedBy` lists the optimizers that do take it (empty: nobody does).
    case unknownHyperparameter(key: String, owner: String, valid: [String], usedBy: [String])
    /// A key the reference accepts but never reads; `reason` says what happens instead.
    case ignoredHyperparameter(key: String, owner: String, reason: String)
    /// A value of the wrong type or out of range; `requirement` is what it must be.
    case invalidValue(key: String, value: KeyValue, requirement: String)
    /// A key that has no default and was not given.
    case missingHyperparameter(key: String, owner: String, hint: String)
    /// Values that are fine one by one but do not work together, as a sentence.
    case conflict(String)
    /// Tensor ranges that do not describe parameters in a flat buffer.
    case invalidTensors(String)
    /// A saved state that does not belong to this optimizer or parameter layout.
    case stateMismatch(String)

    public var description: String {
        switch self {
        case let .unknownName(kind, name, valid):
            let hint = nearestName(to: name, among: valid).map { "; did you mean \"\($0)\"?" } ?? ""
            return "unknown \(kind) \"\(name)\"\(hint) (valid: \(valid.joined(separator: ", ")))"
        case let .unknownHyperparameter(key, owner, valid, usedBy):
            let list = valid.joined(separator: ", ")
            if !usedBy.isEmpty {
                return "hyperparameter \"\(key)\" does not apply to \(owner) (it belongs to "
                    + "\(usedBy.joined(separator: ", ")); valid for \(owner): \(list))"
            }
            let hint = nearestName(to: key, among: valid).map { "; did you mean \"\($0)\"?" } ?? ""
            return "unknown hyperparameter \"\(key)\" for \(owner)\(hint) (valid: \(list))"
        case let .ignoredHyperparameter(key, owner, reason):
            return "\(owner) does not take \"\(key)\": \(reason); remove the key"
        case let .invalidValue(key, value, requirement):
            return "invalid \(key): \(value.text) (must be \(requirement))"
        case let .missingHyperparameter(key, owner, hint):
            return "\(owner) needs \"\(key)\": \(hint)"
        case let .conflict(sentence), let .invalidTensors(sentence), let .stateMismatch(sentence):
            return sentence
        }
    }
}
