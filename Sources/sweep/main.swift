// `sweep`: the command line. The table of subcommands, help, and the mapping of errors to exit codes.
import Foundation
import SweepCore
import Vocabulary

let commands: [Command.Type] = [Expand.self, Validate.self, Keys.self, Run.self, Local.self, Submit.self, Status.self, Report.self]

func printUsage(to stream: UnsafeMutablePointer<FILE>) {
    var text = "usage: sweep <command> [options]\n\ncommands:\n"
    let width = commands.map { $0.name.count }.max() ?? 0
    for command in commands {
        text += "  " + command.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + command.abstract + "\n"
    }
    text += "\n`sweep help <command>` or `sweep <command> --help` shows a command's options.\n"
    fputs(text, stream)
}

func main() -> Int32 {
    var rest = Array(CommandLine.arguments.dropFirst())
    guard let name = rest.first, !["help", "--help", "-h"].contains(name) || rest.count > 1 else {
        printUsage(to: stdout)
        return ExitStatus.success.code
    }
    rest.removeFirst()
    var wantsHelp = rest.contains("--help") || rest.contains("-h")
    var commandName = name
    if name == "help" || name == "--help" || name == "-h" {
        commandName = rest.removeFirst()
        wantsHelp = true
    }
    guard let command = commands.first(where: { $0.name == commandName }) else {
        var message = "sweep: unknown command \"\(commandName)\""
        if let near = nearestName(to: commandName, among: commands.map { $0.name }) { message += "; did you mean \"\(near)\"?" }
        fputs(message + "\n", stderr)
        printUsage(to: stderr)
        return ExitStatus.badInput.code
    }
    if wantsHelp {
        print("\(command.abstract)\n\nusage: \(command.usage)")
        return ExitStatus.success.code
    }
    do {
        var arguments = Arguments(rest)
        let instance = try command.init(&arguments)
        try arguments.finish()
        return try instance.run().code
    } catch let error as AfterWorkStarted {
        fputs("sweep \(command.name): error: \(error)\n", stderr)
        return ExitStatus.someRunFailed.code
    } catch let error as GridErrors {
        fputs(error.description + "\n", stderr)
        return ExitStatus.badInput.code
    } catch let error as UsageError {
        fputs("sweep \(command.name): \(error)\nusage: \(command.usage)\n", stderr)
        return ExitStatus.badInput.code
    } catch {
        fputs("sweep \(command.name): error: \(error)\n", stderr)
        return ExitStatus.badInput.code
    }
}

exit(main())
