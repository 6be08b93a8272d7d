// `sweep validate`: check a grid without running anything.
import SweepCore

struct Validate: Command {
    static let name = "validate"
    static let abstract = "check a grid file (names, values, structure) without running anything"
    static let usage = """
        sweep validate GRID
          exit 0 and a one-line summary when the grid is valid; exit 2 and every error, with its line and
          column, when it is not
        """

    let path: String

    init(_ arguments: inout Arguments) throws {
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try loadGrid(path)
        print("\(path): ok, \(grid.describedSize)")
        return .success
    }
}
