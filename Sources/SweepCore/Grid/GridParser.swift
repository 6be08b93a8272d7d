// Reads a grid file (SPEC §1) into a `Grid`, collecting every structural error with its position.
// Names and values are checked afterwards against the project's catalog (`GridValidator`).
import Foundation
import Vocabulary

/// Turns grid-file text into a `Grid`.
public struct GridParser {
    /// The top-level keys of a grid file.
    public static let topLevelKeys = ["name", "description", "fixed", "aggregation", "grid", "seed", "slurm"]
    /// The keys a nested block (one with its own `grid`) may hold.
    public static let blockKeys = ["aggregation", "fixed", "grid"]

    private let source: SourceText
    private var errors: [GridError] = []
    private var leaves: [Leaf] = []
    private var hasTopLevelSeed = false

    /// Reads and parses the grid file at `path`.
    public static func load(path: String) throws -> Grid {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw GridErrors([GridError(.unreadable, path: path, position: nil, "the grid file \(reason)")])
        }
        return try parse(SourceText(path: path, bytes: [UInt8](data)))
    }

    /// Parses grid-file text; throws `GridErrors` listing every problem found.
    public static func parse(_ source: SourceText) throws -> Grid {
        var parser = GridParser(source: source)
        let root: JSONNode
        do {
            root = try JSONParser.parse(source.bytes)
        } catch let error as JSONSyntaxError {
            let kind: GridError.Kind = error.relatedOffset == nil ? .syntax : .duplicateKey
            throw GridErrors([GridError(kind, path: source.path, position: source.position(of: error.offset), error.message,
                                        related: error.relatedOffset.map(source.position(of:)))])
        }
        let grid = parser.parseFile(root)
        guard parser.errors.isEmpty, let grid else {
            throw GridErrors(parser.errors)
        }
        return grid
    }

    private init(source: SourceText) { self.source = source }

    // MARK: - The file

    private mutating func parseFile(_ root: JSONNode) -> Grid? {
        guard let members = root.members else {
            fail(.structure, at: root.offset, "a grid file is a JSON object, not \(root.value.typeDescription)",
                 hint: "start from an example in grids/, e.g. {\"fixed\": {…}, \"grid\": {\"lr\": [0.1, 0.01]}}")
            return nil
        }
        var name = URL(fileURLWithPath: source.path).deletingPathExtension().lastPathComponent
        var summary: String?
        var topFixed: [Assignment] = []
        var aggregation = Aggregation.product
        var gridNode: JSONNode?
        var seeds: [Choice] = []
        var slurm: JSONNode?

        // `aggregation`, `fixed` and `seed` apply to `grid` wherever they are written, so read them first.
        hasTopLevelSeed = root["seed"] != nil
        for member in members {
            switch member.key {
            case "aggregation": aggregation = parseAggregation(member.value, block: "the top level") ?? aggregation
            case "fixed": topFixed = parseFixed(member.value, inherited: [])
            case "seed": seeds = parseSeeds(member.value)
            default: break
            }
        }
        for member in members {
            switch member.key {
            case "aggregation", "fixed", "seed": break
            case "name":
                if let text = member.value.string, isValidName(text) { name = text } else {
                    fail(.invalidValue, at: member.value.offset,
                         "name must be a string of letters, digits, '.', '_' or '-' (it names the results folder)")
                }
            case "description":
                if let text = member.value.string { summary = text } else {
                    fail(.invalidValue, at: member.value.offset, "description must be a string")
                }
            case "grid": gridNode = member.value
            case "slurm":
                if member.value.members == nil {
                    fail(.invalidValue, at: member.value.offset, "slurm must be an object such as {\"partition\": \"long\", \"time\": \"12:00:00\"}")
                } else {
                    slurm = member.value
                }
            default:
                unknownKey(member, valid: GridParser.topLevelKeys, context: "at the top level of a grid file",
                           hint: "hyperparameters go in \"fixed\" or in \"grid\"")
            }
        }

        // The name becomes a folder, a job name and part of the sbatch script, so the one taken from the
        // file name is held to the same characters as one written in the file.
        if root["name"] == nil && !isValidName(name) {
            errors.append(GridError(.invalidValue, path: source.path, position: nil,
                                    "the file name \(shownName(name)) cannot name the sweep (it names the results folder and the SLURM job)",
                                    hint: "rename the file, or add \"name\": with letters, digits, '.', '_' or '-' only"))
        }
        if let gridNode {
            collect(gridNode, aggregation: aggregation, fixed: topFixed, context: "grid")
        } else {
            leaves.append(Leaf(axes: [], aggregation: aggregation, fixed: topFixed, offset: root.offset, count: 1,
                               hasSeed: !seeds.isEmpty))
        }
        guard errors.isEmpty else { return nil }

        var settings = 0
        for leaf in leaves {
            let (sum, overflow) = settings.addingReportingOverflow(leaf.count)
            guard !overflow else { return tooLarge(at: root.offset) }
            settings = sum
        }
        let (count, overflow) = settings.multipliedReportingOverflow(by: max(1, seeds.count))
        guard !overflow else { return tooLarge(at: root.offset) }
        return Grid(name: name, summary: summary, source: source, slurm: slurm, leaves: leaves, seeds: seeds, count: count)
    }

    private mutating func tooLarge(at offset: Int) -> Grid? {
        fail(.tooLarge, at: offset, "the grid has more than \(Int.max) configurations")
        return nil
    }

    /// A name for an error message: quoted, control characters escaped, at most 60 characters.
    private func shownName(_ text: String) -> String {
        let escaped = text.unicodeScalars.prefix(60).map { $0.value < 0x20 || $0.value == 0x7F ? "\\u{\(String($0.value, radix: 16))}" : String($0) }
        return "\"" + escaped.joined() + (text.unicodeScalars.count > 60 ? "…" : "") + "\""
    }

    private func isValidName(_ text: String) -> Bool {
        !text.isEmpty && text != "." && text != ".." && text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    // MARK: - Blocks

    /// Adds the leaves of a block or of a list of blocks (their union, in order).
    private mutating func collect(_ node: JSONNode, aggregation: Aggregation, fixed: [Assignment], context: String) {
        if let elements = node.elements {
            guard !elements.isEmpty else {
                fail(.emptyList, at: node.offset, "\(context) is an empty list of blocks; a union needs at least one block")
                return
            }
            for element in elements {
                guard element.members != nil else {
                    fail(.structure, at: element.offset,
                         "each element of a list of blocks must be an object (a block), not \(element.value.typeDescription)",
                         hint: "a list of blocks inside a list is written as a nested block: {\"grid\": [ … ]}")
                    continue
                }
                collect(element, aggregation: aggregation, fixed: fixed, context: "the nested grid")
            }
            return
        }
        guard let members = node.members else {
            fail(.structure, at: node.offset, "\(context) must be a block (an object of keys to value lists) or a list of blocks, not \(node.value.typeDescription)")
            return
        }
        var aggregation = aggregation
        var fixed = fixed
        if let member = node["aggregation"] {
            aggregation = parseAggregation(member.value, block: "the block at \(source.position(of: node.offset))") ?? aggregation
        }
        if let member = node["fixed"] { fixed = parseFixed(member.value, inherited: fixed) }

        if let inner = node["grid"] {
            // A nested block: only aggregation, fixed and grid belong here.
            for member in members where !GridParser.blockKeys.contains(member.key) {
                fail(.structure, at: member.keyOffset,
                     "a block with its own \"grid\" holds only aggregation, fixed and grid; found \"\(member.key)\"",
                     hint: "move \"\(member.key)\" into this block's \"fixed\" (one value) or into its \"grid\" (a list of values)")
            }
            collect(inner.value, aggregation: aggregation, fixed: fixed, context: "the nested grid")
            return
        }

        var axes: [Axis] = []
        for member in members where member.key != "aggregation" && member.key != "fixed" {
            if let earlier = fixed.first(where: { $0.key == member.key }) {
                fail(.conflictingKey, at: member.keyOffset,
                     "\"\(member.key)\" is both fixed and gridded", related: earlier.keyOffset,
                     hint: "keep it in one place: fixed for one value, the grid for a list of values")
                continue
            }
            if member.key == "seed" && hasTopLevelSeed {
                fail(.conflictingKey, at: member.keyOffset,
                     "\"seed\" is given at the top level and in this block",
                     hint: "the top-level seed list applies to every configuration; remove one of them")
                continue
            }
            if let elements = member.value.elements {
                guard !elements.isEmpty else {
                    fail(.emptyList, at: member.value.offset, "\"\(member.key)\" has an empty list of values",
                         hint: "give at least one value; to fix a list-valued setting such as betas, write [[0.9, 0.999]]")
                    continue
                }
                axes.append(Axis(key: member.key, keyOffset: member.keyOffset, choices: elements.map(Choice.init)))
            } else {
                axes.append(Axis(key: member.key, keyOffset: member.keyOffset, choices: [Choice(member.value)]))
            }
        }
        guard let count = leafCount(axes, aggregation: aggregation, blockOffset: node.offset) else { return }
        leaves.append(Leaf(axes: axes, aggregation: aggregation, fixed: fixed, offset: node.offset, count: count,
                           hasSeed: hasTopLevelSeed))
    }

    /// Configurations of one plain block, or nil after reporting why there are none.
    private mutating func leafCount(_ axes: [Axis], aggregation: Aggregation, blockOffset: Int) -> Int? {
        switch aggregation {
        case .product:
            var count = 1
            for axis in axes {
                let (product, overflow) = count.multipliedReportingOverflow(by: axis.choices.count)
                guard !overflow else { _ = tooLarge(at: blockOffset); return nil }
                count = product
            }
            return count
        case .zip:
            let length = axes.map(\.choices.count).max() ?? 1
            let disagreeing = axes.filter { $0.choices.count != 1 && $0.choices.count != length }
            guard disagreeing.isEmpty else {
                let lengths = axes.map { "\($0.key) has \($0.choices.count)" }.joined(separator: ", ")
                fail(.zipLengths, at: blockOffset,
                     "zip lengths disagree in this block: \(lengths) (each list must have \(length) values or 1)",
                     hint: "in a zip the i-th values go together, so every list needs the same length; a single value is repeated")
                return nil
            }
            return length
        }
    }

    private mutating func parseAggregation(_ node: JSONNode, block: String) -> Aggregation? {
        let valid = Aggregation.allCases.map(\.rawValue)
        guard let text = node.string else {
            fail(.invalidValue, at: node.offset, "aggregation must be a string (\(valid.joined(separator: " or ")))")
            return nil
        }
        guard let aggregation = Aggregation(rawValue: text) else {
            var message = "unknown aggregation \"\(text)\" in \(block)"
            if let near = nearestName(to: text, among: valid) { message += "; did you mean \"\(near)\"?" }
            fail(.invalidValue, at: node.offset, message + " (valid: \(valid.joined(separator: ", ")))")
            return nil
        }
        return aggregation
    }

    /// The members of a `fixed` object appended to the inherited ones; a key fixed twice is an error.
    private mutating func parseFixed(_ node: JSONNode, inherited: [Assignment]) -> [Assignment] {
        guard let members = node.members else {
            fail(.structure, at: node.offset, "fixed must be an object of keys to single values, not \(node.value.typeDescription)")
            return inherited
        }
        var result = inherited
        for member in members {
            if let earlier = result.first(where: { $0.key == member.key }) {
                fail(.conflictingKey, at: member.keyOffset, "\"\(member.key)\" is fixed twice (in an enclosing block too)",
                     related: earlier.keyOffset)
                continue
            }
            if member.key == "seed" && hasTopLevelSeed {
                fail(.conflictingKey, at: member.keyOffset, "\"seed\" is given at the top level and in fixed")
                continue
            }
            result.append(Assignment(key: member.key, keyOffset: member.keyOffset, choice: Choice(member.value)))
        }
        return result
    }

    private mutating func parseSeeds(_ node: JSONNode) -> [Choice] {
        let nodes = node.elements ?? [node]
        if nodes.isEmpty { fail(.emptyList, at: node.offset, "seed is an empty list; give at least one seed"); return [] }
        var seeds: [Choice] = []
        for element in nodes {
            if case let .number(x) = element.content, x >= 0, x.rounded() == x {
                seeds.append(Choice(element))
            } else {
                fail(.invalidValue, at: element.offset, "a seed must be an integer ≥ 0, not \(element.value.canonicalText)")
            }
        }
        return seeds
    }

    // MARK: - Errors

    private mutating func unknownKey(_ member: JSONMember, valid: [String], context: String, hint: String? = nil) {
        var message = "unknown key \"\(member.key)\" \(context)"
        if let near = nearestName(to: member.key, among: valid) { message += "; did you mean \"\(near)\"?" }
        fail(.unknownKey, at: member.keyOffset, message + " (valid: \(valid.joined(separator: ", ")))", hint: hint)
    }

    private mutating func fail(_ kind: GridError.Kind, at offset: Int, _ message: String, related: Int? = nil,
                               hint: String? = nil) {
        errors.append(GridError(kind, path: source.path, position: source.position(of: offset), message,
                                related: related.map(source.position(of:)), hint: hint))
    }
}
