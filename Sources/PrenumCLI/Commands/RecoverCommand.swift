import Foundation
import PrenumCore

struct RecoverCommand: Command {
    static let words = ["recover"]
    static let abstract = "rebuild the state database from the archive after it was lost or restored from an older backup"
    static let discussion = """
        Use it when `prenum run` stops with exit 65 because the state is behind the archive and the
        outboxes (docs/OPERATIONS.md, "Recovering the state database"). Takes the run lock (exit 75
        while a run is going) and first reads and checks the whole archive: every delivery file's
        signature (with the configured key's public half, and the older public keys given with
        --public-keys), the chain of sequences and previousHash values, and each subscriber's applied
        population files in their order of application. Any problem — a bad signature, a gap, a
        population file missing from the order — is listed with exit 65 and nothing is changed.
        Otherwise it builds a new state beside the old one: populations from the archived population
        files applied again in order, every chain continuing after its last archived file, the
        latest business date in the archive counted as completed. The old state database (and its
        -wal and -shm files) is moved aside to <state>.before-recover-<time>, never deleted. A file
        the lost state had staged but not finished publishing is put into the outbox from the
        archive; a last file archived without any signature (never visible) is set aside as
        .<name>.unpublished-<time>; other staged leftovers, which no recipient saw, are removed.
        The next run sends every subscriber a FULL file. Killed at any point, it can simply be run
        again.
        """
    @Option(.config) var config: String
    @Option(valueName: "P", help: "PEM file or folder of older public keys the configured signing key replaced") var publicKeys: String?

    func run(_ environment: Environment) throws -> ExitCode {
        let configuration = try ConfigurationLoader.load(path: config)
        let report = try StateRecovery(
            configuration: configuration, log: environment.log,
            olderPublicKeys: publicKeys, faults: environment.faults
        ).execute()
        var text = "prenum recover: state database \(configuration.stateDatabase) rebuilt from \(configuration.archive)\n"
        text += "  old state moved aside to: \(report.movedAside ?? "(there was none)")\n"
        text += "  latest business date (counted as completed): \(report.latestBusinessDate?.description ?? "(none)")\n"
        for chain in report.chains {
            text += "  \(chain.subscriber): last sequence \(chain.lastSequence)\(chain.lastFile.map { " (\($0))" } ?? ""), "
            text += "\(chain.populationFiles) population file(s) applied, \(chain.persons) person(s) in the population; next file FULL\n"
        }
        for path in report.republished { text += "  published from the archive (staged when the state was lost): \(path)\n" }
        for path in report.discardedStaging { text += "  removed staged leftover: \(path)\n" }
        print(text, terminator: "")
        return .ok
    }
}
