import CCrypto

/// An Ed25519 public key: what recipients use to check delivery files, and what the key id
/// is derived from.
public struct VerifyingKey: Sendable {
    let key: EVPKey
    /// The raw 32-byte public key.
    let rawBytes: [UInt8]

    /// Loads a SubjectPublicKeyInfo PEM file.
    public static func load(pemPath: String) throws -> VerifyingKey {
        let pem = try KeyFile.read(path: pemPath, operation: "load public key", requirePrivateMode: false)
        return try VerifyingKey(key: EVPKey.publicKey(pem: pem, operation: "load public key", path: pemPath))
    }

    /// Parses SubjectPublicKeyInfo PEM text.
    public init(pemData: [UInt8]) throws {
        try self.init(key: EVPKey.publicKey(pem: pemData, operation: "parse public key", path: nil))
    }

    /// Builds a key from its raw 32 bytes.
    public init(rawBytes: [UInt8]) throws {
        guard rawBytes.count == 32,
            let pointer = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, rawBytes, rawBytes.count)
        else {
            throw CryptoError.fromQueue(.notAKey, operation: "build public key", detail: "\(rawBytes.count) raw bytes, 32 expected")
        }
        try self.init(key: EVPKey(pointer))
    }

    init(key: EVPKey) throws {
        self.key = key
        self.rawBytes = try key.rawPublicKey()
    }

    /// First 16 lowercase hex digits of SHA-256 over the raw key: short enough for a file
    /// header, long enough to tell rotated keys apart.
    public var keyID: String {
        var digest = SHA256Digest()
        rawBytes.withUnsafeBytes { digest.update($0) }
        return String(digest.finalizeHex().prefix(16))
    }

    /// The key as SubjectPublicKeyInfo PEM text.
    public func pem() throws -> [UInt8] {
        try key.pem(operation: "encode public key") { bio, pkey in PEM_write_bio_PUBKEY(bio, pkey) }
    }

    /// True only for a valid 64-byte signature of exactly these bytes.
    public func verify(signature: [UInt8], message: UnsafeRawBufferPointer) -> Bool {
        guard signature.count == 64, let context = EVP_MD_CTX_new() else { return false }
        defer {
            EVP_MD_CTX_free(context)
            // A failed verification leaves entries that would confuse a later, unrelated error.
            ERR_clear_error()
        }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else { return false }
        var empty: UInt8 = 0
        return withUnsafeMutablePointer(to: &empty) { emptyPointer in
            EVP_DigestVerify(
                context, signature, signature.count,
                message.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(emptyPointer),
                message.count) == 1
        }
    }

    /// Verifies a file's exact bytes through a read-only memory map. Throws only when the file
    /// cannot be read; a wrong signature is `false`.
    public func verifyFile(path: String, signature: [UInt8]) throws -> Bool {
        try MappedFile.withBytes(path: path, operation: "verify file") { verify(signature: signature, message: $0) }
    }
}
