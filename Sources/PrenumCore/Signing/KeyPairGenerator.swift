import Foundation
import PrenumCrypto

/// `prenum keys generate`: a new Ed25519 signing key pair in a folder, never replacing one.
public enum KeyPairGenerator {
    static let privateFileName = "signing-private.pem"
    static let publicFileName = "signing-public.pem"

    /// What was written, for the command to print.
    public struct Result: Sendable, Equatable {
        public let keyID: String
        public let privateKeyPath: String
        public let publicKeyPath: String
    }

    /// Creates `directory` (mode 0750) when needed and writes `signing-private.pem` (0600) and
    /// `signing-public.pem` (0644). Existing key files are left alone and reported with exit
    /// code 73: replacing a signing key silently would break every recipient's verification.
    public static func generate(into directory: String) throws -> Result {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw OperationFailure(.cannotCreate, "keys generate: '\(directory)' exists and is not a folder")
            }
        } else {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true,
                    attributes: [.posixPermissions: 0o750])
            } catch {
                throw OperationFailure(.cannotCreate, "keys generate: cannot create folder '\(directory)': \(error.localizedDescription)")
            }
        }
        let privatePath = (directory as NSString).appendingPathComponent(privateFileName)
        let publicPath = (directory as NSString).appendingPathComponent(publicFileName)
        let key = try SigningKey.generate()
        try key.writePEM(privatePath: privatePath, publicPath: publicPath)
        return Result(keyID: key.publicKey.keyID, privateKeyPath: privatePath, publicKeyPath: publicPath)
    }
}
