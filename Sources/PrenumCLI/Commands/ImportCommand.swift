import Foundation
import PrenumCore

struct ImportCommand: Command {
    static let words = ["import"]
    static let abstract = "import pending population files now (a run does this first anyway)"
    static let discussion = """
        Applies every file waiting in <inbox>/<subscriber id>/ in file-name order, moves it to
        processed/ or rejected/ and writes a receipt to the subscriber's outbox. One line per
        file goes to standard output. A rejected file is a normal outcome (exit 0); a file that
        could not be handled at all (unreadable, disk full) exits 65, 66 or 73 and is retried
        by the next import. A file still being written (its size or modification time changes
        during a look of PRENUM_INBOX_LOOK_MS, default 1000, or while it is read) is deferred with
        its subscriber's later-named files. While an interrupted run is unfinished, files wait
        (exit 75) until `prenum run` has finished it. A state behind the archive (lost or restored) is exit 65 with
        nothing imported, as for `prenum run`. Every applied file is kept in the archive under
        <archive>/<id>/population/ with its place in the order of application.
        """
    @Option(.config) var config: String

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let outcomes = try StandaloneImport.run(configuration: try environment.tuned(configuration), log: environment.log)
        if outcomes.isEmpty { print("no population files pending") }
        for outcome in outcomes {
            print(PersonnummerRedaction.redact(Self.summary(outcome)))
        }
        return outcomes.first { $0.kind == .failed }?.exitCode ?? .ok
    }

    static func summary(_ outcome: PopulationFileOutcome) -> String {
        let c = outcome.counts
        var line = "\(outcome.subscriber) \(outcome.fileName): \(outcome.kind.rawValue)"
        switch outcome.kind {
        case .accepted:
            line +=
                " lines=\(c.lines) added=\(c.added) removed=\(c.removed) updated=\(c.updated) unchanged=\(c.unchanged) not_subscribed=\(c.notSubscribed)"
        case .rejected:
            line += " lines=\(c.lines) bad_lines=\(c.badLines)"
            if let report = outcome.reportPath { line += " report=\(report)" }
        case .duplicate, .deferred, .failed:
            break
        }
        if let message = outcome.message { line += " (\(message))" }
        return line
    }
}
