import Testing
@testable import SweepCore

/// The errors a structurally bad grid file gets, each with its line and column.
@Suite struct GridErrorTests {
    private func errors(_ text: String) -> [GridError] {
        do {
            _ = try grid(text, path: "grids/bad.json")
            return []
        } catch let error as GridErrors {
            return error.errors
        } catch {
            return []
        }
    }

    @Test(arguments: [
        ("{\"grid\": {\"lr\": [0.1,]}}", GridError.Kind.syntax, "1:22", "trailing comma before ']'"),
        ("{\"grid\": {\"lr\": [1], \"lr\": [2]}}", .duplicateKey, "1:22", "duplicate key \"lr\""),
        ("{\"grid\": {\"lr\": []}}", .emptyList, "1:17", "\"lr\" has an empty list of values"),
        ("{\"grid\": []}", .emptyList, "1:10", "grid is an empty list of blocks"),
        ("{\"aggregation\": \"zip\",\n \"grid\": {\"lr\": [1, 2, 3], \"m\": [1, 2]}}", .zipLengths, "2:10",
         "zip lengths disagree in this block: lr has 3, m has 2 (each list must have 3 values or 1)"),
        ("{\"fixed\": {\"lr\": 1},\n \"grid\": {\"lr\": [2, 3]}}", .conflictingKey, "2:11", "\"lr\" is both fixed and gridded"),
        ("{\"grid\": {\"aggregation\": \"prod\", \"lr\": [1]}}", .invalidValue, "1:26",
         "unknown aggregation \"prod\" in the block at 1:10; did you mean \"product\"? (valid: product, zip)"),
        ("{\"gird\": {\"lr\": [1]}}", .unknownKey, "1:2", "unknown key \"gird\" at the top level of a grid file; did you mean \"grid\"?"),
        ("[1, 2]", .structure, "1:1", "a grid file is a JSON object, not a list"),
        ("{\"grid\": {\"grid\": {\"a\": [1]}, \"lr\": [1]}}", .structure, "1:31", "a block with its own \"grid\" holds only aggregation, fixed and grid"),
        ("{\"seed\": [1, -2]}", .invalidValue, "1:14", "a seed must be an integer ≥ 0, not -2"),
        ("{\"seed\": [0], \"grid\": {\"seed\": [1, 2]}}", .conflictingKey, "1:24", "\"seed\" is given at the top level and in this block"),
        ("{\"name\": \"a b\"}", .invalidValue, "1:10", "name must be a string of letters, digits"),
        ("{\"grid\": [[{\"a\": [1]}]]}", .structure, "1:11", "each element of a list of blocks must be an object"),
    ])
    func reportsKindPlaceAndMessage(_ text: String, _ kind: GridError.Kind, _ place: String, _ message: String) throws {
        let found = errors(text)
        let error = try #require(found.first, "no error for \(text)")
        #expect(error.kind == kind)
        #expect(error.position.map { "\($0.line):\($0.column)" } == place)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.description.hasPrefix("grids/bad.json:\(place): error: "))
    }

    @Test func reportsEveryProblemInFileOrder() {
        let found = errors("{\"gird\": 1,\n \"seed\": [-1],\n \"fixed\": {\"a\": 1},\n \"grid\": {\"a\": [1], \"b\": []}}")
        #expect(found.map(\.kind) == [.unknownKey, .invalidValue, .conflictingKey, .emptyList])
        #expect(found.map { $0.position?.line } == [1, 2, 4, 4])
    }

    @Test func duplicatePointsAtBothDefinitions() throws {
        let error = try #require(errors("{\"fixed\": {\"lr\": 1,\n  \"lr\": 2}}").first)
        #expect(error.description == "grids/bad.json:2:3: error: duplicate key \"lr\"\ngrids/bad.json:1:12: note: first defined here")
    }

    @Test func aMissingFileSaysSo() {
        #expect(throws: GridErrors([GridError(.unreadable, path: "/nonexistent/g.json", position: nil, "the grid file does not exist")])) {
            try GridParser.load(path: "/nonexistent/g.json")
        }
    }
}
