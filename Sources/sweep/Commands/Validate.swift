// `sweep validate`: check a grid without running anything.
import Foundation
import SweepCore

struct Validate: Command {
    static let name = "validate"
    static let abstract = "check a grid file (names, values, structure) without running anything"
    static let usage = """
        sweep validate GRID [--results-folder [--results DIR]]
          exit 0 and a one-line summary when the grid is valid; exit 2 and every error, with its line and
          column, when it is not
          --results-folder  print only the sweep's results folder (for scripts): DIR/<name>, else
                            $SWEEP_RESULTS/<name>, else results/<name>
        """

    let path: String
    let printResultsFolder: Bool
    let resultsParent: String?

    init(_ arguments: inout Arguments) throws {
        printResultsFolder = try arguments.flag("results-folder")
        resultsParent = try arguments.option("results")
        path = try arguments.positional("GRID (a grid file such as grids/mnist.json)")
    }

    func run() throws -> ExitStatus {
        let grid = try loadGrid(path)
        if printResultsFolder {
            print(ResultsFolder(sweepName: grid.name, parent: resultsParent, environment: ProcessInfo.processInfo.environment).root)
        } else {
            print("\(path): ok, \(grid.describedSize)")
        }
        return .success
    }
}
