import Foundation
import PrenumCrypto

/// The public keys a recipient trusts, by key id. After a key rotation a folder keeps every
/// old public key, so files signed before the rotation still verify (DESIGN-NOTES: rotation
/// breaks verification when old keys disappear).
public struct PublicKeyRing: Sendable {
    public let keys: [String: VerifyingKey]
    /// Where the keys came from, for messages.
    public let source: String

    public init(keys: [VerifyingKey], source: String) {
        self.keys = Dictionary(keys.map { ($0.keyID, $0) }, uniquingKeysWith: { first, _ in first })
        self.source = source
    }

    /// Loads one PEM file, or every `*.pem` file of a folder. A missing path is exit 66.
    public static func load(path: String) throws -> PublicKeyRing {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw OperationFailure(.noInput, "public key \(path) does not exist")
        }
        guard isFolder.boolValue else {
            return PublicKeyRing(keys: [try VerifyingKey.load(pemPath: path)], source: path)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".pem") }.sorted()
        let keys = try names.map { try VerifyingKey.load(pemPath: (path as NSString).appendingPathComponent($0)) }
        guard !keys.isEmpty else { throw OperationFailure(.noInput, "no *.pem public key in folder \(path)") }
        return PublicKeyRing(keys: keys, source: path)
    }

    /// The key a file names in its header, or why there is none.
    public func key(for keyID: String?) -> Result<VerifyingKey, KeyProblem> {
        guard let keyID else {
            if keys.count == 1, let only = keys.values.first { return .success(only) }
            return .failure(KeyProblem(description: "no keyId in the header to choose a public key by"))
        }
        if let key = keys[keyID] { return .success(key) }
        return .failure(
            KeyProblem(
                description:
                    "signed by another key: the header names keyId \(keyID), \(source) holds \(keys.keys.sorted().joined(separator: ", "))")
        )
    }

    public struct KeyProblem: Error, CustomStringConvertible {
        public let description: String
    }
}
