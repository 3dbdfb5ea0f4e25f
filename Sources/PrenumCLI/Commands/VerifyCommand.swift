import PrenumCore
import PrenumRecipient

struct VerifyCommand: Command {
    static let words = ["verify"]
    static let abstract = "recipient side: check signatures, schema, sequence chain and trailers of delivered files"
    static let discussion = """
        Checks every *.xml delivery file directly in DIR (other files are ignored): the .sig signature
        with the public key named by the header's keyId, the XSD of its format version (xmllint), the
        rules the XSD cannot state, the trailer counts, the header against the file name, and per
        subscriber the chain: consecutive sequences from the lowest present, previousSequence and
        previousHash. --public-key may be a folder of *.pem files to verify across a key rotation.
        Prints one line per file (ok / FAILED: reasons). With --mirror M, also checks that the existing
        mirror M (made by `prenum apply`) is at the last format-3 file in DIR and holds what its trailer
        says: the same visible count and fingerprint (docs/DELIVERY-FORMAT.md). Exit 0 when all pass,
        65 when any fails, 66 when DIR, the key, the mirror, xmllint or the schema is missing.
        """
    @Option(valueName: "DIR", help: "folder holding the delivered files") var dir: String
    @Option(valueName: "F", help: "signing public key PEM, or a folder of them (key rotation)") var publicKey: String
    @Option(valueName: "M", help: "also check this mirror against the last format-3 file's visible and fingerprint") var mirror: String?

    func run(_ environment: Environment) throws -> ExitCode {
        let verifier = DeliveryVerifier(
            keys: try PublicKeyRing.load(path: publicKey),
            schemas: try SchemaValidator.locate(schemaFolder: environment.schemaFolder))
        let report = try verifier.verify(directory: dir)
        print(report.text, terminator: "")
        guard let mirror else { return report.exitCode }
        let check = try MirrorCheck.check(report, mirrorPath: mirror)
        print(check.line)
        return check.matches ? report.exitCode : .dataError
    }
}
