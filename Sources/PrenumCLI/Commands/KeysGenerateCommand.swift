import PrenumCore

struct KeysGenerateCommand: Command {
    static let words = ["keys", "generate"]
    static let abstract = "create an Ed25519 signing key pair"
    static let discussion = """
        Writes DIR/signing-private.pem (PKCS#8, mode 0600) and DIR/signing-public.pem \
        (SubjectPublicKeyInfo, mode 0644) and prints the key id that delivery files will carry. \
        Creates DIR (mode 0750) if needed. Existing key files are never replaced (exit 73).
        """
    @Option(valueName: "DIR", help: "folder for signing-private.pem and signing-public.pem") var out: String

    func run(_ environment: Environment) throws -> ExitCode {
        let result = try KeyPairGenerator.generate(into: out)
        print("keyId=\(result.keyID)")
        print("private=\(result.privateKeyPath)")
        print("public=\(result.publicKeyPath)")
        return .ok
    }
}
