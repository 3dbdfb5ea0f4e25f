import CCrypto
import Glibc
import PrenumSystem

/// Streaming SHA-256 over OpenSSL, so that files of any size hash in bounded memory and the
/// delivery writer can hash its bytes on the way out instead of re-reading the file.
public struct SHA256Digest {
    private var context: DigestContext

    public init() {
        context = DigestContext()
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        EVP_DigestUpdate(context.pointer, base, bytes.count)
    }

    /// The lowercase hex digest. The digest is finished afterwards; make a new one to hash again.
    public mutating func finalizeHex() -> String {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        return Self.hexString(finalizeBytes())
    }

    /// The 32 digest bytes. The digest is finished afterwards.
    mutating func finalizeBytes() -> [UInt8] {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context.pointer, &digest, &length)
        return Array(digest.prefix(Int(length)))
    }

    /// The SHA-256 of `bytes`, as 32 bytes.
    public static func bytes(of bytes: [UInt8]) -> [UInt8] {
        var digest = SHA256Digest()
        bytes.withUnsafeBytes { digest.update($0) }
        return digest.finalizeBytes()
    }

    /// Hashes a file in 1 MiB reads.
    public static func hex(ofFile path: String) throws -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw CryptoError(.inputUnreadable, operation: "hash file", path: path, detail: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        var digest = SHA256Digest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = SystemCall.read(fd, into: buffer)
            if count < 0 {
                throw CryptoError(.inputUnreadable, operation: "hash file", path: path, detail: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return digest.finalizeHex()
    }

    static func hexString(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Owns the EVP_MD_CTX so the value type can free it and copy it on write.
private final class DigestContext {
    let pointer: OpaquePointer

    init() {
        guard let pointer = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.pointer = pointer
        EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
    }

    private init(copying other: DigestContext) {
        guard let pointer = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new failed: out of memory") }
        self.pointer = pointer
        EVP_MD_CTX_copy_ex(pointer, other.pointer)
    }

    func copy() -> DigestContext { DigestContext(copying: self) }

    deinit { EVP_MD_CTX_free(pointer) }
}
