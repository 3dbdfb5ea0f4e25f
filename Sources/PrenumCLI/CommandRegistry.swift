import Foundation
import PrenumCore

/// Every command `prenum` knows, and the dispatch from words to a command.
public enum CommandRegistry {
    static var commands: [any Command.Type] {
        [
            RunCommand.self,
            RerunCommand.self,
            RefreshCommand.self,
            ReleaseCommand.self,
            DiscardCommand.self,
            StatusCommand.self,
            VerifyCommand.self,
            ApplyCommand.self,
            KeysGenerateCommand.self,
            ImportCommand.self,
            CheckCommand.self,
            RecoverCommand.self,
            ExplainCommand.self,
            DisclosuresCommand.self,
            SampleCreateCommand.self,
            SampleAdvanceCommand.self
        ]
    }

    static var overview: String {
        var text = """
            prenum: subscription batch processor for a social-insurance register.
            Every night it delivers to each subscriber one signed file with what changed in the
            benefit data it may see.

            Commands:

            """
        let width = (commands.map { $0.words.joined(separator: " ").count }.max() ?? 0) + 2
        for command in commands {
            text +=
                "  " + command.words.joined(separator: " ").padding(toLength: width, withPad: " ", startingAt: 0) + command.abstract + "\n"
        }
        text += "\nRun 'prenum COMMAND --help' for a command's options, 'prenum --version' for the build.\n"
        text += "\nExit codes:\n"
        for (code, summary) in ExitCode.overview {
            text += "  " + String(code).padding(toLength: 4, withPad: " ", startingAt: 0) + summary + "\n"
        }
        return text
    }

    /// Runs the command named by `arguments` (without the program name) with the `PRENUM_*` tuning
    /// in `variables` (the process environment), and returns the exit code.
    public static func main(_ arguments: [String], environment variables: [String: String]) -> Int32 {
        let environment = Environment(variables)
        if arguments == ["--version"] || arguments == ["version"] {
            print(BuildInfo.line)
            return ExitCode.ok.rawValue
        }
        if arguments == ["--man"] {
            print(ManualPage.roff(), terminator: "")
            return ExitCode.ok.rawValue
        }
        if arguments.isEmpty || arguments == ["--help"] || arguments == ["help"] {
            print(overview, terminator: "")
            return arguments.isEmpty ? ExitCode.usage.rawValue : ExitCode.ok.rawValue
        }
        let match =
            commands
            .filter { arguments.starts(with: $0.words) }
            .max { $0.words.count < $1.words.count }
        guard let command = match else {
            let group = commands.filter { $0.words.first == arguments.first }
            if !group.isEmpty {
                let names = group.map { $0.words.joined(separator: " ") }.joined(separator: ", ")
                let standardError = FileHandle.standardError
                if arguments.dropFirst().first == "--help" || arguments.count == 1 {
                    print("Subcommands: \(names)")
                    return arguments.count == 1 ? ExitCode.usage.rawValue : ExitCode.ok.rawValue
                }
                standardError.write(Data("prenum: unknown subcommand '\(arguments.dropFirst().first ?? "")'; one of: \(names)\n".utf8))
                return ExitCode.usage.rawValue
            }
            FileHandle.standardError.write(Data("prenum: unknown command '\(arguments[0])'\n\n\(overview)".utf8))
            return ExitCode.usage.rawValue
        }
        let rest = Array(arguments.dropFirst(command.words.count))
        if rest.contains("--help") || rest.contains("-h") {
            print(command.help, terminator: "")
            return ExitCode.ok.rawValue
        }
        do {
            let parsed: any Command
            do {
                parsed = try command.parse(rest)
            } catch  where command is RunCommand.Type {
                // A night refused for its command line is a failed night too.
                RunFailureEvents.log(error, businessDate: nil, started: Date(), log: environment.log)
                throw error
            }
            return try parsed.run(environment).rawValue
        } catch let failure as any PrenumFailure {
            FileHandle.standardError.write(Data("prenum \(command.words.joined(separator: " ")): \(failure.description)\n".utf8))
            return failure.exitCode.rawValue
        } catch {
            FileHandle.standardError.write(Data("prenum \(command.words.joined(separator: " ")): \(error)\n".utf8))
            return ExitCode.of(error).rawValue
        }
    }
}
