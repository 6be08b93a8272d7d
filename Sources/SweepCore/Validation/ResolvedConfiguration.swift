// One configuration's values handed to their owners: what a run is built from. The grid validator has
// refused every configuration this could not resolve, so a failure here means a grid changed under a
// run or a configuration built by hand; it fails that run with the same words.
import Vocabulary

/// A configuration's chosen components and each one's values, by bare key name.
public struct ResolvedConfiguration: Sendable {
    public let selection: Selection
    fileprivate let values: [Owner: [String: KeyValue]]

    /// The name of the component chosen for `owner` (`adam`, `cosine`, `fc`); "run" for the run.
    public func name(_ owner: Owner) -> String { selection[owner]!.name }

    /// The values given to `owner`, read against its specs (defaults for keys not given).
    public func settings(_ owner: Owner) -> Settings { Settings(values[owner] ?? [:]) }
}

/// A configuration that does not resolve: a missing or unknown selector value, or a key no chosen
/// component (or more than one) takes.
public struct ResolutionError: Error, CustomStringConvertible {
    public let description: String
}

extension Catalog {
    /// Hands every key of `configuration` to its owner.
    public func resolve(_ configuration: Configuration) throws -> ResolvedConfiguration {
        for selector in selectors {
            guard let value = configuration[selector.key] ?? selector.defaultComponent.map(JSONValue.string) else {
                throw ResolutionError(description: "the configuration has no \"\(selector.key)\"")
            }
            guard let name = value.string, selector.component(named: name) != nil else {
                throw ResolutionError(description: "unknown \(selector.key) \(value.canonicalText)")
            }
        }
        let selection = self.selection { configuration[$0]?.string }!
        var values: [Owner: [String: KeyValue]] = [:]
        for (key, json) in configuration.entries where selector(key) == nil {
            switch ownership(of: key, in: selection) {
            case let .owned(owner, spec):
                guard let value = KeyValue(json, for: spec.kind) else {
                    throw ResolutionError(description: "invalid \(key): \(json.canonicalText) (expected \(spec.kind.expected))")
                }
                guard values[owner, default: [:]].updateValue(value, forKey: spec.name) == nil else {
                    throw ResolutionError(description: "\(owner.rawValue).\(spec.name) is given twice (as \(spec.name) and \(owner.rawValue).\(spec.name))")
                }
            case let .refused(owner, component, reason):
                throw ResolutionError(description: "\(Selection.describe(owner, component)) does not take \"\(QualifiedKey(key).name)\": \(reason)")
            case let .ambiguous(owners):
                throw ResolutionError(description: "\"\(key)\" is a key of " + owners.map { "\(Selection.describe($0, selection[$0]!))" }
                    .joined(separator: " and ") + "; write " + owners.map { "\($0.rawValue).\(key)" }.joined(separator: " or "))
            case .unknown:
                throw ResolutionError(description: "no chosen component takes \"\(key)\"")
            }
        }
        return ResolvedConfiguration(selection: selection, values: values)
    }
}
