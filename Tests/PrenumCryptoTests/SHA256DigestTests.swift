import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCrypto

final class SHA256DigestTests: XCTestCase {
    func testFileDigestMatchesSha256sum() throws {
        let scratch = try TemporaryFolder("prenum-crypto")
        let sizes = [0, 1, 63, 64, 65, (1 << 20) - 1, 1 << 20, 3 * (1 << 20) + 17]
        for size in sizes {
            let path = scratch.file("f\(size)")
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            XCTAssertEqual(try SHA256Digest.hex(ofFile: path), try ProcessRunner.sha256sum(path), "size \(size)")
        }
        XCTAssertThrowsError(try SHA256Digest.hex(ofFile: scratch.file("absent")))
    }

    func testStreamingInPiecesEqualsOneShotAndCopiesAreIndependent() throws {
        let scratch = try TemporaryFolder("prenum-crypto")
        let bytes = Array("The quick brown fox jumps over the lazy dog".utf8)
        let path = scratch.file("fox")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        let expected = try ProcessRunner.sha256sum(path)

        var pieces = SHA256Digest()
        bytes.withUnsafeBytes { buffer in
            pieces.update(UnsafeRawBufferPointer(rebasing: buffer[0..<10]))
            var copy = pieces
            copy.update(UnsafeRawBufferPointer(rebasing: buffer[0..<3]))
            _ = copy.finalizeHex()
            pieces.update(UnsafeRawBufferPointer(rebasing: buffer[10...]))
        }
        XCTAssertEqual(pieces.finalizeHex(), expected)
    }
}
