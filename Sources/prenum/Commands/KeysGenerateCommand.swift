import PrenumCore

struct KeysGenerateCommand: Command {
    static let words = ["keys", "generate"]
    static let abstract = "create an Ed25519 signing key pair"
    static let options: [CommandLineOption] = [.value("out", "DIR", help: "folder for signing-private.pem and signing-public.pem", required: true)]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
