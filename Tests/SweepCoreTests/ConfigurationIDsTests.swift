import Testing
import Foundation
@testable import SweepCore

@Suite struct ConfigurationIDsTests {
    static func grid(_ text: String) throws -> Grid { try GridParser.parse(SourceText(path: "g.json", text: text)) }

    /// A grid of two blocks, one of them listing a configuration the other has too.
    static let blocks = #"""
    {"grid": [{"opt": ["sgd", "adam"], "lr": [0.1, 0.01, 0.001]}, {"opt": "sgd", "lr": [0.01, 0.5]}], "seed": [0, 1, 2]}
    """#

    /// The expansion `freezeOrCompare` writes for `grid`.
    static func expansion(of grid: Grid) -> [UInt8] {
        var bytes: [UInt8] = []
        grid.writeJSONLines(grid.indices(task: 0, tasks: 1), threads: 2) { bytes += $0 }
        return bytes
    }

    static func write(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("expansion-\(UUID().uuidString).jsonl").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func idsHashedOnDemandEqualThoseHashedAtOnceAndThoseReadBack() throws {
        let grid = try Self.grid(Self.blocks)
        let eager = ConfigurationIDs(grid, threads: 2), lazy = ConfigurationIDs(grid)
        let frozen = try #require(ConfigurationIDs(grid, expansion: Self.write(Self.expansion(of: grid))))
        // In reverse, so the lazy table is filled out of order.
        for index in (0..<grid.count).reversed() {
            let id = grid.configuration(index).id
            #expect(lazy.id(index) == id && eager.id(index) == id && frozen.id(index) == id)
        }
    }

    @Test func recordsAreMatchedAtTheirIndexOrElsewhereByID() throws {
        let grid = try Self.grid(Self.blocks)
        let ids = ConfigurationIDs(grid)
        func find(_ id: String, hint: Int) -> Int? {
            Array(id.utf8).withUnsafeBytes { ids.index(of: $0, hint: hint) }
        }
        #expect(find(grid.configuration(4).id, hint: 4) == 4)
        #expect(find(grid.configuration(4).id, hint: 9) == 4)
        #expect(find(grid.configuration(17).id, hint: -1) == 17)
        // sgd lr 0.01 is listed twice (indices 3–5 and 18–20): the one at the hint is the one matched.
        #expect(find(grid.configuration(3).id, hint: 18) == 18)
        #expect(find(String(repeating: "0", count: 64), hint: 0) == nil)
        #expect(find("abc", hint: 0) == nil)
    }

    @Test func anExpansionThatDoesNotMatchItsGridIsNotReadBack() throws {
        let grid = try Self.grid(Self.blocks)
        let lines = Self.expansion(of: grid).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
        func joined(_ lines: [[UInt8]]) -> [UInt8] { Array(lines.joined(separator: [UInt8(ascii: "\n")])) }
        let whole = joined(lines)
        #expect(ConfigurationIDs(grid, expansion: try Self.write(whole)) != nil)
        // One line short, one too many, a torn last line, two lines swapped, an id that is not hex, no file.
        #expect(ConfigurationIDs(grid, expansion: try Self.write(joined(Array(lines.dropFirst())))) == nil)
        #expect(ConfigurationIDs(grid, expansion: try Self.write(whole + whole.prefix(whole.firstIndex(of: 10)! + 1))) == nil)
        #expect(ConfigurationIDs(grid, expansion: try Self.write(Array(whole.dropLast(3)))) == nil)
        var swapped = lines
        swapped.swapAt(2, 3)
        #expect(ConfigurationIDs(grid, expansion: try Self.write(joined(swapped))) == nil)
        var notHex = lines
        notHex[5][20] = UInt8(ascii: "G")
        #expect(ConfigurationIDs(grid, expansion: try Self.write(joined(notHex))) == nil)
        #expect(ConfigurationIDs(grid, expansion: "/nonexistent/configurations.jsonl") == nil)
    }

    @Test func aChangeListsWhatEachGridHasAndTheOtherLacksAsSetsWould() throws {
        let old = try Self.grid(Self.blocks)
        let edits = [
            #"{"grid": [{"opt": ["sgd", "adam"], "lr": [0.1, 0.01, 0.002]}, {"opt": "sgd", "lr": [0.01, 0.5]}], "seed": [1, 2, 3]}"#,
            #"{"grid": {"opt": ["adam", "sgd"], "lr": [0.01]}, "seed": [0, 1, 2]}"#,
            #"{"seed": [0, 1, 2], "grid": [{"lr": [0.1, 0.01, 0.001], "opt": ["sgd", "adam"]}, {"lr": [0.01, 0.5], "opt": "sgd"}]}"#,
            #"{"grid": {"opt": ["rmsprop"], "lr": [1, 2, 3, 4]}}"#,
        ]
        for text in edits {
            let new = try Self.grid(text)
            let change = GridChange(from: ConfigurationIDs(old), to: ConfigurationIDs(new))
            let before = Set((0..<old.count).map { old.configuration($0).id }), after = Set((0..<new.count).map { new.configuration($0).id })
            #expect(change.added == (0..<new.count).filter { !before.contains(new.configuration($0).id) }, "\(text)")
            #expect(change.removed == (0..<old.count).filter { !after.contains(old.configuration($0).id) }, "\(text)")
        }
        // Keys reordered only: every configuration kept.
        #expect(GridChange(from: ConfigurationIDs(old), to: ConfigurationIDs(try Self.grid(edits[2]))) == GridChange(from: ConfigurationIDs(old), to: ConfigurationIDs(old)))
        #expect(GridChange(from: ConfigurationIDs(old), to: ConfigurationIDs(old)).added.isEmpty)
    }
}
