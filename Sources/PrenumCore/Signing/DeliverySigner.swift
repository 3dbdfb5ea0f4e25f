import PrenumCrypto

/// Signs delivery files with the configured key. Loaded once per run, before anything is
/// written, so that a bad key stops the run with exit code 78 instead of failing per subscriber.
public struct DeliverySigner: Sendable {
    private let key: SigningKey
    /// Goes into every file header so recipients can pick the right public key after rotation.
    public let keyID: String

    /// Loads the PEM private key at `keyPath`. Every key problem (missing, unreadable, readable
    /// by group or others, not a key, not Ed25519) is exit code 78 and names the file.
    public init(keyPath: String) throws {
        do {
            key = try SigningKey.load(pemPath: keyPath)
        } catch let error as CryptoError {
            throw OperationFailure(.configuration, "signingKey: \(error)")
        }
        keyID = key.publicKey.keyID
    }

    /// The public half, which `prenum recover` trusts for the archive's files.
    var verifyingKey: VerifyingKey { key.publicKey }

    /// The raw 64-byte Ed25519 signature of the file's exact bytes (the `.sig` content). The
    /// file is memory-mapped, so a large FULL file does not land on the heap.
    public func signFile(_ path: String) throws -> [UInt8] {
        try key.signFile(path: path)
    }

    /// Checks a signature with this key's public half: lets a caller confirm a `.sig` it is
    /// about to publish or re-publish.
    public func verifyFile(_ path: String, signature: [UInt8]) throws -> Bool {
        try key.publicKey.verifyFile(path: path, signature: signature)
    }
}
