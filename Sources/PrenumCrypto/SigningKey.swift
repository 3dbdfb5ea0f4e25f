import CCrypto
import Glibc

/// The Ed25519 private key that signs delivery files.
///
/// Loading refuses a key file readable by group or others (SPEC section 4): a signing key
/// anyone on the host can read proves nothing to recipients.
public struct SigningKey: Sendable {
    let key: EVPKey
    /// The matching public key, holding no private material.
    public let publicKey: VerifyingKey

    init(key: EVPKey) throws {
        self.key = key
        self.publicKey = try VerifyingKey(rawBytes: key.rawPublicKey())
    }

    /// Loads a PKCS#8 PEM private key. Every way this fails names the file; none includes key bytes.
    public static func load(pemPath: String) throws -> SigningKey {
        let operation = "load signing key"
        var pem = try KeyFile.read(path: pemPath, operation: operation, requirePrivateMode: true)
        defer { KeyFile.wipe(&pem) }
        return try SigningKey(key: EVPKey.privateKey(pem: pem, operation: operation, path: pemPath))
    }

    /// A fresh key from OpenSSL's CSPRNG.
    public static func generate() throws -> SigningKey {
        let operation = "generate Ed25519 key"
        guard let context = EVP_PKEY_CTX_new_from_name(nil, "ED25519", nil) else {
            throw CryptoError.fromQueue(.openssl, operation: operation)
        }
        defer { EVP_PKEY_CTX_free(context) }
        var generated: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1, EVP_PKEY_keygen(context, &generated) == 1, let generated else {
            throw CryptoError.fromQueue(.openssl, operation: operation)
        }
        return try SigningKey(key: EVPKey(generated))
    }

    /// Signs a message held in memory: a 64-byte Ed25519 signature.
    func sign(_ bytes: UnsafeRawBufferPointer) throws -> [UInt8] {
        let operation = "sign"
        guard let context = EVP_MD_CTX_new() else { throw CryptoError.fromQueue(.openssl, operation: operation) }
        defer { EVP_MD_CTX_free(context) }
        // Ed25519 hashes internally and needs the whole message: no digest, one-shot call.
        guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else {
            throw CryptoError.fromQueue(.openssl, operation: operation)
        }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = signature.count
        var empty: UInt8 = 0
        let status = withUnsafeMutablePointer(to: &empty) { emptyPointer in
            EVP_DigestSign(
                context, &signature, &length,
                bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(emptyPointer), bytes.count)
        }
        guard status == 1, length == 64 else { throw CryptoError.fromQueue(.openssl, operation: operation) }
        return signature
    }

    /// Signs a file's exact bytes through a read-only memory map, so a large FULL file is not
    /// copied onto the heap.
    public func signFile(path: String) throws -> [UInt8] {
        try MappedFile.withBytes(path: path, operation: "sign file") { bytes in
            do {
                return try sign(bytes)
            } catch let error as CryptoError {
                throw CryptoError(error.kind, operation: "sign file", path: path, opensslErrors: error.opensslErrors)
            }
        }
    }

    /// Writes the key pair as PEM: PKCS#8 private (mode 0600) and SubjectPublicKeyInfo public
    /// (mode 0644). Refuses to replace either file; if the public file cannot be written, the
    /// private one just created is removed again so no half pair is left behind.
    public func writePEM(privatePath: String, publicPath: String) throws {
        let operation = "write key pair"
        for path in [privatePath, publicPath] where KeyFile.exists(path) {
            throw CryptoError(.outputExists, operation: operation, path: path)
        }
        var privatePEM = try key.pem(operation: operation) { bio, pkey in
            PEM_write_bio_PKCS8PrivateKey(bio, pkey, nil, nil, 0, nil, nil)
        }
        defer { KeyFile.wipe(&privatePEM) }
        let publicPEM = try key.pem(operation: operation) { bio, pkey in PEM_write_bio_PUBKEY(bio, pkey) }
        try KeyFile.create(path: privatePath, bytes: privatePEM, mode: 0o600, operation: operation)
        do {
            try KeyFile.create(path: publicPath, bytes: publicPEM, mode: 0o644, operation: operation)
        } catch {
            unlink(privatePath)
            throw error
        }
    }
}
