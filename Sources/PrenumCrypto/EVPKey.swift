import CCrypto

/// Owns one EVP_PKEY. A class so the key is freed exactly once however the value types that
/// hold it are copied. OpenSSL 3 keys are safe to use from several threads when each
/// operation has its own EVP_MD_CTX, as every method here does.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { EVP_PKEY_free(pointer) }

    var isEd25519: Bool { EVP_PKEY_is_a(pointer, "ED25519") == 1 }

    /// Parses a PEM private key. Encrypted PEMs are refused instead of prompting on a terminal.
    static func privateKey(pem: [UInt8], operation: String, path: String?) throws -> EVPKey {
        let key = try withMemoryBIO(pem, operation: operation, path: path) { bio in
            PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        return try checked(key, operation: operation, path: path)
    }

    /// Parses a PEM SubjectPublicKeyInfo.
    static func publicKey(pem: [UInt8], operation: String, path: String?) throws -> EVPKey {
        let key = try withMemoryBIO(pem, operation: operation, path: path) { bio in
            PEM_read_bio_PUBKEY(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        return try checked(key, operation: operation, path: path)
    }

    private static func checked(_ key: OpaquePointer?, operation: String, path: String?) throws -> EVPKey {
        guard let key else { throw CryptoError.fromQueue(.notAKey, operation: operation, path: path) }
        let wrapped = EVPKey(key)
        guard wrapped.isEd25519 else {
            let name = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
            throw CryptoError(.wrongKeyType, operation: operation, path: path, detail: "key type \(name)")
        }
        return wrapped
    }

    private static func withMemoryBIO(
        _ bytes: [UInt8], operation: String, path: String?,
        _ body: (OpaquePointer) -> OpaquePointer?
    ) throws -> OpaquePointer? {
        try bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else {
                throw CryptoError.fromQueue(.openssl, operation: operation, path: path)
            }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Runs a PEM writer against a memory BIO and returns what it wrote.
    func pem(operation: String, _ writer: (OpaquePointer, OpaquePointer) -> Int32) throws -> [UInt8] {
        guard let bio = BIO_new(BIO_s_mem()) else { throw CryptoError.fromQueue(.openssl, operation: operation) }
        defer { BIO_free(bio) }
        guard writer(bio, pointer) == 1 else { throw CryptoError.fromQueue(.openssl, operation: operation) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32($0.count)) }
            if count <= 0 { break }
            out.append(contentsOf: chunk[0..<Int(count)])
        }
        KeyFile.wipe(&chunk)
        return out
    }

    /// The raw 32-byte Ed25519 public key.
    func rawPublicKey() throws -> [UInt8] {
        var raw = [UInt8](repeating: 0, count: 32)
        var length = raw.count
        guard EVP_PKEY_get_raw_public_key(pointer, &raw, &length) == 1, length == 32 else {
            throw CryptoError.fromQueue(.openssl, operation: "extract public key")
        }
        return raw
    }
}
