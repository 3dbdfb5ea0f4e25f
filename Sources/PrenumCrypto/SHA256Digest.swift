import CCrypto
import Foundation

/// SHA-256 through libcrypto's EVP interface, fed in pieces so that a multi-gigabyte file
/// (a population list, a delivery file) is hashed in bounded memory.
///
/// A copy made before `finalizeHex()` continues independently (copy on write), so a value
/// can be forked to hash a common prefix once.
public struct SHA256Digest {
    /// Reading a file to hash it failed; names the file and the system's reason.
    public struct FileError: Error, CustomStringConvertible, Equatable, Sendable {
        public let path: String
        public let code: Int32
        public var description: String { "cannot read \(path): \(String(cString: strerror(code)))" }
    }

    private var context: Context

    public init() {
        context = Context()
    }

    /// Adds bytes to the message.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        context.update(bytes)
    }

    /// The digest as 64 lowercase hex digits. The value starts over afterwards.
    public mutating func finalizeHex() -> String {
        if !isKnownUniquelyReferenced(&context) { context = context.copy() }
        let digest = context.finalize()
        return Self.hex(digest)
    }

    /// The SHA-256 of a whole file, read in 1 MiB pieces.
    public static func hex(ofFile path: String) throws -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(path: path, code: errno) }
        defer { close(descriptor) }
        var digest = SHA256Digest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, code: errno)
            }
            if count == 0 { break }
            digest.update(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return digest.finalizeHex()
    }

    /// The SHA-256 of bytes in memory.
    public static func hex(of bytes: some Sequence<UInt8>) -> String {
        var digest = SHA256Digest()
        let array = Array(bytes)
        array.withUnsafeBytes { digest.update($0) }
        return digest.finalizeHex()
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Owns one EVP_MD_CTX; a class so that the C context is freed exactly once.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            guard let pointer = EVP_MD_CTX_new() else { fatalError("libcrypto could not allocate a digest context") }
            self.pointer = pointer
            reset()
        }

        private init(copying other: Context) {
            guard let pointer = EVP_MD_CTX_new(), EVP_MD_CTX_copy_ex(pointer, other.pointer) == 1 else {
                fatalError("libcrypto could not copy a digest context")
            }
            self.pointer = pointer
        }

        deinit { EVP_MD_CTX_free(pointer) }

        func copy() -> Context { Context(copying: self) }

        func reset() {
            guard EVP_DigestInit_ex(pointer, EVP_sha256(), nil) == 1 else {
                fatalError("libcrypto could not initialise SHA-256")
            }
        }

        func update(_ bytes: UnsafeRawBufferPointer) {
            guard EVP_DigestUpdate(pointer, bytes.baseAddress, bytes.count) == 1 else {
                fatalError("libcrypto SHA-256 update failed")
            }
        }

        func finalize() -> [UInt8] {
            var digest = [UInt8](repeating: 0, count: 32)
            var length: UInt32 = 0
            let status = digest.withUnsafeMutableBufferPointer { EVP_DigestFinal_ex(pointer, $0.baseAddress, &length) }
            guard status == 1, length == 32 else { fatalError("libcrypto SHA-256 finalisation failed") }
            reset()
            return digest
        }
    }
}
