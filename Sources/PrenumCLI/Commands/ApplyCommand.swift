import PrenumCore
import PrenumRecipient

struct ApplyCommand: Command {
    static let words = ["apply"]
    static let abstract = "recipient side: verify, then apply delivered files in sequence order to a local SQLite mirror"
    static let discussion = """
        Runs every check of `prenum verify` on DIR first and applies nothing if any file fails. Then
        applies one subscriber's files in sequence order to the mirror M (created when missing), each
        file in one transaction, in this order: FULL clears the mirror first; the history window
        (windowFrom) is applied before the records, dropping payments whose paymentDate and cases
        whose closedOn fall before it; then NEW and CHANGED replace a record whole (under the person
        it is listed under: a record can move between persons), REMOVED deletes it, unsubscribed
        deletes the person's records. After a format-3 file the mirror's record count and fingerprint
        must equal the trailer's visible and fingerprint; at the first file where they differ, that
        file is not applied and apply stops (exit 65) naming the file, expected and found. Files
        already applied are skipped (idempotent). Refuses (exit 65) a gap, a file that does not chain
        onto the mirror's last file, and files of another subscriber.
        The mirror's tables are documented in docs/OPERATIONS.md.
        """
    @Option(valueName: "DIR", help: "folder holding the delivered files") var dir: String
    @Option(valueName: "F", help: "signing public key PEM, or a folder of them (key rotation)") var publicKey: String
    @Option(valueName: "M", help: "mirror database file") var mirror: String

    func run(_ environment: Environment) throws -> ExitCode {
        let verifier = DeliveryVerifier(
            keys: try PublicKeyRing.load(path: publicKey),
            schemas: try SchemaValidator.locate(schemaFolder: environment.schemaFolder))
        let report = try MirrorApplier(verifier: verifier, log: environment.log)
            .apply(directory: dir, mirrorPath: mirror)
        print(report.text, terminator: "")
        return report.exitCode
    }
}
