import PrenumCore

struct VerifyCommand: Command {
    static let words = ["verify"]
    static let abstract = "recipient side: check signatures, schema, sequence chain and trailers of delivered files"
    static let options: [CommandLineOption] = [.value("dir", "DIR", help: "folder holding the delivered files", required: true), .value("public-key", "F", help: "signing public key PEM", required: true)]

    static func run(_ arguments: ParsedArguments) throws -> ExitCode {
        throw OperationFailure(.usage, "not implemented yet")
    }
}
