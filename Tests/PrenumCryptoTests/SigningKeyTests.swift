import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCrypto

final class SigningKeyTests: XCTestCase {
    private var scratch: TemporaryFolder!

    override func setUpWithError() throws {
        scratch = try TemporaryFolder("prenum-crypto")
    }

    override func tearDown() {
        scratch = nil
    }

    /// Generates a key pair with our code and writes it into the scratch folder.
    private func generatedPair() throws -> (key: SigningKey, privatePath: String, publicPath: String) {
        let key = try SigningKey.generate()
        let privatePath = scratch.file("private.pem")
        let publicPath = scratch.file("public.pem")
        try key.writePEM(privatePath: privatePath, publicPath: publicPath)
        return (key, privatePath, publicPath)
    }

    private func write(_ bytes: [UInt8], to name: String) -> String {
        let path = scratch.file(name)
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return path
    }

    private func opensslVerifies(publicPath: String, file: String, signature: String) throws -> Bool {
        let outcome = try ProcessRunner.openssl(
            "pkeyutl", "-verify", "-pubin", "-inkey", publicPath, "-rawin",
            "-in", file, "-sigfile", signature)
        return outcome.status == 0 && outcome.output.contains("Signature Verified Successfully")
    }

    func testSignatureVerifiesWithOpenSSL() throws {
        let (key, _, publicPath) = try generatedPair()
        let file = write(Array("<delivery>hej & välkommen</delivery>\n".utf8), to: "f.xml")
        let signature = try key.signFile(path: file)
        XCTAssertEqual(signature.count, 64)
        let sigPath = write(signature, to: "f.xml.sig")
        XCTAssertTrue(try opensslVerifies(publicPath: publicPath, file: file, signature: sigPath))
        XCTAssertTrue(try key.publicKey.verifyFile(path: file, signature: signature))
        XCTAssertTrue(try VerifyingKey.load(pemPath: publicPath).verifyFile(path: file, signature: signature))
    }

    func testFlippedByteFailsWithOpenSSLAndWithUs() throws {
        let (key, _, publicPath) = try generatedPair()
        var content = Array(repeating: UInt8(ascii: "x"), count: 1000)
        let file = write(content, to: "f.xml")
        let signature = try key.signFile(path: file)
        let sigPath = write(signature, to: "f.xml.sig")
        let verifier = try VerifyingKey.load(pemPath: publicPath)
        XCTAssertTrue(try verifier.verifyFile(path: file, signature: signature))

        content[500] ^= 0x01
        _ = write(content, to: "f.xml")
        XCTAssertFalse(try opensslVerifies(publicPath: publicPath, file: file, signature: sigPath))
        XCTAssertFalse(try verifier.verifyFile(path: file, signature: signature))

        var badSignature = signature
        badSignature[10] ^= 0x80
        content[500] ^= 0x01
        _ = write(content, to: "f.xml")
        XCTAssertFalse(try verifier.verifyFile(path: file, signature: badSignature))
        XCTAssertFalse(try verifier.verifyFile(path: file, signature: Array(signature.prefix(63))))
        XCTAssertTrue(try verifier.verifyFile(path: file, signature: signature))
    }

    func testOpenSSLGeneratedKeyLoadsAndSignaturesMatch() throws {
        let privatePath = scratch.file("ossl-private.pem")
        let publicPath = scratch.file("ossl-public.pem")
        XCTAssertEqual(try ProcessRunner.openssl("genpkey", "-algorithm", "ed25519", "-out", privatePath).status, 0)
        XCTAssertEqual(chmod(privatePath, 0o600), 0)
        XCTAssertEqual(try ProcessRunner.openssl("pkey", "-in", privatePath, "-pubout", "-out", publicPath).status, 0)
        let file = write(Array("signed by openssl".utf8), to: "m.txt")
        let sigPath = scratch.file("m.txt.sig")
        XCTAssertEqual(
            try ProcessRunner.openssl(
                "pkeyutl", "-sign", "-inkey", privatePath, "-rawin",
                "-in", file, "-out", sigPath
            ).status, 0)
        let opensslSignature = try XCTUnwrap(FileManager.default.contents(atPath: sigPath))

        let verifier = try VerifyingKey.load(pemPath: publicPath)
        XCTAssertTrue(try verifier.verifyFile(path: file, signature: Array(opensslSignature)))
        // Ed25519 is deterministic: our signature with openssl's key must be the same bytes.
        let ours = try SigningKey.load(pemPath: privatePath)
        XCTAssertEqual(try ours.signFile(path: file), Array(opensslSignature))
        XCTAssertEqual(ours.publicKey.rawBytes, verifier.rawBytes)
    }

    func testKeyIDIsSHA256OfRawKeyAsOpenSSLExtractsIt() throws {
        let (key, _, publicPath) = try generatedPair()
        let derPath = scratch.file("public.der")
        XCTAssertEqual(try ProcessRunner.openssl("pkey", "-pubin", "-in", publicPath, "-outform", "DER", "-out", derPath).status, 0)
        let der = try XCTUnwrap(FileManager.default.contents(atPath: derPath))
        XCTAssertEqual(der.count, 44)
        let rawPath = write(Array(der.suffix(32)), to: "public.raw")
        let expected = String(try ProcessRunner.sha256sum(rawPath).prefix(16))
        XCTAssertEqual(expected.count, 16)
        XCTAssertEqual(key.publicKey.keyID, expected)
        XCTAssertEqual(try VerifyingKey.load(pemPath: publicPath).keyID, expected)
        XCTAssertEqual(key.publicKey.rawBytes, Array(der.suffix(32)))
    }

    func testPrivateKeyPermissions() throws {
        let (_, privatePath, _) = try generatedPair()
        XCTAssertEqual(try fileMode(privatePath), 0o600)
        XCTAssertNoThrow(try SigningKey.load(pemPath: privatePath))
        for mode: mode_t in [0o644, 0o640, 0o604, 0o610] {
            XCTAssertEqual(chmod(privatePath, mode), 0)
            XCTAssertThrowsError(try SigningKey.load(pemPath: privatePath)) { error in
                let cryptoError = error as? CryptoError
                XCTAssertEqual(cryptoError?.kind, .keyFileInsecure)
                XCTAssertEqual(cryptoError?.path, privatePath)
                let text = String(describing: error)
                XCTAssertTrue(text.contains(privatePath), text)
                XCTAssertTrue(text.contains("0" + String(mode, radix: 8)), text)
            }
        }
        XCTAssertEqual(chmod(privatePath, 0o400), 0)
        XCTAssertNoThrow(try SigningKey.load(pemPath: privatePath))
    }

    func testWrittenModesIgnoreUmask() throws {
        let previous = umask(0o077)
        defer { umask(previous) }
        let (_, privatePath, publicPath) = try generatedPair()
        XCTAssertEqual(try fileMode(privatePath), 0o600)
        XCTAssertEqual(try fileMode(publicPath), 0o644)
        let text = String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: privatePath)), as: UTF8.self)
        XCTAssertTrue(text.hasPrefix("-----BEGIN PRIVATE KEY-----"), "PKCS#8 expected")
        let publicText = String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: publicPath)), as: UTF8.self)
        XCTAssertTrue(publicText.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        // openssl agrees the private file is an ED25519 key.
        let described = try ProcessRunner.openssl("pkey", "-in", privatePath, "-noout", "-text")
        XCTAssertEqual(described.status, 0)
        XCTAssertTrue(described.output.contains("ED25519"), described.output)
    }

    func testRefusesToOverwriteKeys() throws {
        let (_, privatePath, publicPath) = try generatedPair()
        let before = FileManager.default.contents(atPath: privatePath)
        let other = try SigningKey.generate()
        XCTAssertThrowsError(try other.writePEM(privatePath: privatePath, publicPath: scratch.file("new-public.pem"))) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .outputExists)
        }
        XCTAssertThrowsError(try other.writePEM(privatePath: scratch.file("new-private.pem"), publicPath: publicPath)) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .outputExists)
        }
        XCTAssertEqual(FileManager.default.contents(atPath: privatePath), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("new-private.pem")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.file("new-public.pem")))
    }

    func testLoadFailuresAreClearAndCarryNoKeyMaterial() throws {
        XCTAssertThrowsError(try SigningKey.load(pemPath: scratch.file("absent.pem"))) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .keyFileMissing)
            XCTAssertTrue(String(describing: $0).contains("absent.pem"))
        }
        XCTAssertThrowsError(try SigningKey.load(pemPath: scratch.path)) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .keyFileUnreadable)
        }
        let garbage = write(Array("just some text\n".utf8), to: "garbage.pem")
        XCTAssertEqual(chmod(garbage, 0o600), 0)
        XCTAssertThrowsError(try SigningKey.load(pemPath: garbage)) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .notAKey)
        }

        let ecPath = scratch.file("ec.pem")
        XCTAssertEqual(
            try ProcessRunner.openssl(
                "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", ecPath
            ).status, 0)
        XCTAssertEqual(chmod(ecPath, 0o600), 0)
        let ecPEM = String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: ecPath)), as: UTF8.self)
        XCTAssertThrowsError(try SigningKey.load(pemPath: ecPath)) { error in
            XCTAssertEqual((error as? CryptoError)?.kind, .wrongKeyType)
            let text = String(describing: error)
            for line in ecPEM.split(separator: "\n") where !line.hasPrefix("-----") {
                XCTAssertFalse(text.contains(line), "error text contains key material")
            }
        }
        // A public key where a private one is expected is not a private key.
        let (_, _, publicPath) = try generatedPair()
        XCTAssertEqual(chmod(publicPath, 0o600), 0)
        XCTAssertThrowsError(try SigningKey.load(pemPath: publicPath)) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .notAKey)
            XCTAssertFalse(($0 as? CryptoError)?.opensslErrors.isEmpty ?? true, "OpenSSL's reason is kept")
        }
        XCTAssertThrowsError(try VerifyingKey.load(pemPath: ecPath)) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .notAKey)
        }
    }

    func testPublicKeyFromPEMData() throws {
        let (key, _, publicPath) = try generatedPair()
        let pem = Array(try XCTUnwrap(FileManager.default.contents(atPath: publicPath)))
        let parsed = try VerifyingKey(pemData: pem)
        XCTAssertEqual(parsed.rawBytes, key.publicKey.rawBytes)
        XCTAssertEqual(try parsed.pem(), pem)
        XCTAssertEqual(parsed.keyID.count, 16)
        XCTAssertThrowsError(try VerifyingKey(pemData: Array("nope".utf8)))
    }

    func testInMemorySignAndEmptyFile() throws {
        let (key, _, _) = try generatedPair()
        let message = Array("abc".utf8)
        let signature = try message.withUnsafeBytes { try key.sign($0) }
        XCTAssertTrue(message.withUnsafeBytes { key.publicKey.verify(signature: signature, message: $0) })
        XCTAssertFalse(Array("abd".utf8).withUnsafeBytes { key.publicKey.verify(signature: signature, message: $0) })

        let empty = write([], to: "empty.xml")
        let emptySignature = try key.signFile(path: empty)
        XCTAssertTrue(try key.publicKey.verifyFile(path: empty, signature: emptySignature))
        XCTAssertFalse(try key.publicKey.verifyFile(path: write([0], to: "zero.xml"), signature: emptySignature))
        // openssl pkeyutl cannot sign or verify an empty input ("Could not allocate 0 bytes"),
        // so the empty case is checked against a signature made from openssl's key instead.
        let privatePath = scratch.file("ossl.pem")
        XCTAssertEqual(try ProcessRunner.openssl("genpkey", "-algorithm", "ed25519", "-out", privatePath).status, 0)
        XCTAssertEqual(chmod(privatePath, 0o600), 0)
        let opensslKey = try SigningKey.load(pemPath: privatePath)
        XCTAssertTrue(try opensslKey.publicKey.verifyFile(path: empty, signature: opensslKey.signFile(path: empty)))
        XCTAssertThrowsError(try key.signFile(path: scratch.file("missing.xml"))) {
            XCTAssertEqual(($0 as? CryptoError)?.kind, .inputUnreadable)
        }
    }

    func testFiftyMegabyteFileSignsAndVerifiesThroughMmap() throws {
        let (key, _, publicPath) = try generatedPair()
        let path = scratch.file("large.xml")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        var block = [UInt8](repeating: 0, count: 1 << 20)
        for index in 0..<50 {
            for offset in stride(from: 0, to: block.count, by: 4096) {
                block[offset] = UInt8(truncatingIfNeeded: index &* 31 &+ offset >> 12)
            }
            handle.write(Data(block))
        }
        try handle.close()
        let signature = try key.signFile(path: path)
        let sigPath = write(signature, to: "large.xml.sig")
        XCTAssertTrue(try key.publicKey.verifyFile(path: path, signature: signature))
        XCTAssertTrue(try opensslVerifies(publicPath: publicPath, file: path, signature: sigPath))
        XCTAssertEqual(try SHA256Digest.hex(ofFile: path), try ProcessRunner.sha256sum(path))
    }
}

private func fileMode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
}
