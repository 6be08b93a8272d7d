// Every command that takes a grid reads it the same way: parse, then validate against the registry.
// A grid that fails either never reaches the rest of the command.
import SweepCore
import Worker

/// Reads and validates the grid file at `path`, its `slurm` block included (throws `GridErrors`, every
/// problem of both checks together).
func loadGrid(_ path: String) throws -> Grid {
    let grid = try GridParser.load(path: path)
    var errors: [GridError] = []
    do { try GridValidator(catalog: Registry.catalog).validate(grid) } catch let found as GridErrors { errors += found.errors }
    do { _ = try SlurmSettings(grid: grid) } catch let found as GridErrors { errors += found.errors }
    if !errors.isEmpty { throw GridErrors(errors) }
    return grid
}

/// The `--task N --tasks T` pair, given together or not at all.
func taskShare(_ arguments: inout Arguments) throws -> (task: Int, tasks: Int)? {
    let task = try arguments.integer("task", in: 0...Int.max)
    let tasks = try arguments.integer("tasks", in: 1...Int.max)
    switch (task, tasks) {
    case (nil, nil): return nil
    case let (task?, tasks?):
        guard task < tasks else { throw UsageError("--task \(task) --tasks \(tasks): tasks are numbered 0 to \(tasks - 1)") }
        return (task, tasks)
    default: throw UsageError("--task and --tasks go together (task N of T)")
    }
}

/// Reads the grid file at `path` for commands that only read results (`status`, `report`): parsed, but
/// not checked against the catalog, so that results stay readable after an optimizer or key is renamed.
func readGrid(_ path: String) throws -> Grid {
    try GridParser.load(path: path)
}
