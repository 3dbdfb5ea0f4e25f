import CCrypto

/// A failure in the signing layer, saying what was attempted, on which file, and what OpenSSL
/// reported, so an operator can act on it at 03:00 without a debugger.
///
/// Never carries key material: messages are built from fixed text, paths, modes and OpenSSL's
/// own error strings, which do not contain key bytes.
public struct CryptoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What went wrong, coarse enough for the core to pick an exit code.
    public enum Kind: String, Equatable, Sendable {
        /// A key file does not exist.
        case keyFileMissing
        /// A key file exists but cannot be read.
        case keyFileUnreadable
        /// A private key file is readable or writable by group or others.
        case keyFileInsecure
        /// The file holds no PEM key OpenSSL can parse.
        case notAKey
        /// The file holds a key, but not an Ed25519 one.
        case wrongKeyType
        /// A key file to be written already exists; keys are never overwritten.
        case outputExists
        /// A file could not be created or written.
        case outputUnwritable
        /// A file to be signed, verified or hashed cannot be opened or mapped.
        case inputUnreadable
        /// A signature has the wrong length.
        case badSignature
        /// OpenSSL failed where it should not (allocation, internal error).
        case openssl
    }

    public let kind: Kind
    /// The operation attempted, e.g. "load signing key".
    let operation: String
    public let path: String?
    /// Extra context such as a file mode or an errno text.
    let detail: String?
    /// OpenSSL's error queue at the time of failure, oldest first.
    let opensslErrors: [String]

    public init(
        _ kind: Kind, operation: String, path: String? = nil, detail: String? = nil,
        opensslErrors: [String] = []
    ) {
        self.kind = kind
        self.operation = operation
        self.path = path
        self.detail = detail
        self.opensslErrors = opensslErrors
    }

    /// Builds an error and drains OpenSSL's thread-local error queue into it, so that a stale
    /// entry never shows up in a later, unrelated error.
    static func fromQueue(_ kind: Kind, operation: String, path: String? = nil, detail: String? = nil) -> CryptoError {
        CryptoError(kind, operation: operation, path: path, detail: detail, opensslErrors: drainErrorQueue())
    }

    static func drainErrorQueue() -> [String] {
        var messages: [String] = []
        var buffer = [CChar](repeating: 0, count: 256)
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages
    }

    public var description: String {
        var text = operation
        if let path { text += " '\(path)'" }
        text += ": " + Self.summary(kind)
        if let detail { text += " (\(detail))" }
        if !opensslErrors.isEmpty { text += " [openssl: " + opensslErrors.joined(separator: "; ") + "]" }
        return text
    }

    static func summary(_ kind: Kind) -> String {
        switch kind {
        case .keyFileMissing: return "key file does not exist"
        case .keyFileUnreadable: return "key file cannot be read"
        case .keyFileInsecure: return "private key file is accessible by group or others; run chmod 600 on it"
        case .notAKey: return "not a PEM key"
        case .wrongKeyType: return "not an Ed25519 key"
        case .outputExists: return "file already exists; refusing to overwrite"
        case .outputUnwritable: return "cannot write file"
        case .inputUnreadable: return "cannot read file"
        case .badSignature: return "signature must be 64 bytes"
        case .openssl: return "OpenSSL operation failed"
        }
    }
}
