import PrenumCore

struct ApplyCommand: Command {
    static let words = ["apply"]
    static let abstract = "recipient side: verify, then apply delivered files in sequence order to a local SQLite mirror"
    static let options: [CommandLineOption] = [.value("dir", "DIR", help: "folder holding the delivered files", required: true), .value("public-key", "F", help: "signing public key PEM", required: true), .value("mirror", "M", help: "mirror database file", required: true)]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
