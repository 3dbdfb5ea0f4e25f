import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// scripts/recipient-verify.sh, run with bash on real delivered files: what a recipient with
/// only openssl, sha256sum, grep and sed can check must pass untouched files and fail damage.
final class RecipientScriptTests: XCTestCase {
    static var script: String { ProcessRunner.packageRoot.appendingPathComponent("scripts/recipient-verify.sh").path }

    func runScript(_ folder: URL, key: String) throws -> ProcessOutcome {
        try ProcessRunner.run("/bin/bash", [Self.script, folder.path, key])
    }

    func testScriptPassesDeliveredFilesAndFailsTamperedCopies() throws {
        let world = try SimulationWorkspace.afterNights(seed: 7171, nights: 4)
        // Two subscribers in one folder: two chains, each checked on its own.
        let files = world.deliveredFiles(0) + world.deliveredFiles(1)
        let good = try world.copyFiles(files, to: "script-good")
        let passed = try runScript(good, key: world.publicKeyPath)
        XCTAssertEqual(passed.status, 0, passed.output + passed.errorOutput)
        XCTAssertEqual(passed.output.split(separator: "\n").filter { $0.hasSuffix(": ok") }.count, 8, passed.output)

        func damaged(_ name: String, _ damage: (URL) throws -> Void) throws -> ProcessOutcome {
            let folder = try world.copyFiles(files, to: "script-\(name)")
            try damage(folder)
            return try runScript(folder, key: world.publicKeyPath)
        }
        func assertFails(_ result: ProcessOutcome, _ file: String, _ reason: String, line: UInt = #line) {
            XCTAssertNotEqual(result.status, 0, result.output, line: line)
            XCTAssertTrue(
                result.output.contains("\(file): FAILED: ") && result.output.contains(reason),
                "expected \(file) to fail with '\(reason)': \(result.output)", line: line)
        }

        let second = files[1].lastPathComponent
        assertFails(
            try damaged("tampered") { folder in
                let url = folder.appendingPathComponent(second)
                var bytes = try Data(contentsOf: url)
                bytes[bytes.count - 30] ^= 0x01
                try bytes.write(to: url)
            }, second, "bad signature")

        let third = files[2].lastPathComponent
        assertFails(
            try damaged("gap") { folder in
                try FileManager.default.removeItem(at: folder.appendingPathComponent(second))
                try FileManager.default.removeItem(at: folder.appendingPathComponent(second + ".sig"))
            }, third, "gap: sequence 2 missing")

        assertFails(
            try damaged("substituted") { folder in
                let url = folder.appendingPathComponent(second)
                try Data(try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: "T01:00:00Z", with: "T01:00:09Z").utf8)
                    .write(to: url)
                try world.resign(url)
            }, third, "previousHash does not match \(second)")

        let last = files[3].lastPathComponent
        assertFails(
            try damaged("trailer") { folder in
                let url = folder.appendingPathComponent(last)
                try Data(
                    try String(contentsOf: url, encoding: .utf8).replacingOccurrences(
                        of: "<trailer persons=\"", with: "<trailer persons=\"9"
                    ).utf8
                ).write(to: url)
                try world.resign(url)
            }, last, "trailer persons does not match")

        assertFails(
            try damaged("missing-signature") { folder in
                try FileManager.default.removeItem(at: folder.appendingPathComponent(last + ".sig"))
            }, last, "signature file missing")

        let other = try SigningKey.generate()
        let otherKey = world.root.appendingPathComponent("other-public.pem").path
        try other.writePEM(privatePath: world.root.appendingPathComponent("other-private.pem").path, publicPath: otherKey)
        let wrongKey = try runScript(good, key: otherKey)
        XCTAssertNotEqual(wrongKey.status, 0)
        XCTAssertTrue(wrongKey.output.contains("signed by another key"), wrongKey.output)

        let usage = try ProcessRunner.run("/bin/bash", [Self.script, good.path])
        XCTAssertEqual(usage.status, 2)
    }

    /// A folder of public keys (a key rotation: files signed by either verify), and a format-3
    /// FULL file's fingerprint recomputed with stock tools, caught when one amount is changed.
    func testKeyFolderAndFormatThreeFullFingerprint() throws {
        let world = try SimulationWorkspace.afterNights(seed: 7272, nights: 2, orderChanges: false)
        let index = 4
        XCTAssertEqual(world.subscribers[index].formatVersion, 3)
        let files = world.deliveredFiles(index)
        XCTAssertTrue(files[0].lastPathComponent.hasSuffix("-FULL.xml"))
        let keys = world.root.appendingPathComponent("keys-folder")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        let other = try SigningKey.generate()
        try other.writePEM(
            privatePath: world.root.appendingPathComponent("old-private.pem").path,
            publicPath: keys.appendingPathComponent("old-public.pem").path)
        try FileManager.default.copyItem(atPath: world.publicKeyPath, toPath: keys.appendingPathComponent("current.pem").path)

        let good = try world.copyFiles(files, to: "v3-good")
        let passed = try runScript(good, key: keys.path)
        XCTAssertEqual(passed.status, 0, passed.output + passed.errorOutput)
        XCTAssertEqual(passed.output.split(separator: "\n").filter { $0.hasSuffix(": ok") }.count, files.count, passed.output)

        let bad = try world.copyFiles([files[0]], to: "v3-amount")
        let url = bad.appendingPathComponent(files[0].lastPathComponent)
        let text = try String(contentsOf: url, encoding: .utf8)
        let range = try XCTUnwrap(text.range(of: #"gross="[0-9]+"#, options: .regularExpression))
        try Data(text.replacingCharacters(in: range, with: text[range] + "1").utf8).write(to: url)
        try world.resign(url)
        let failed = try runScript(bad, key: keys.path)
        XCTAssertNotEqual(failed.status, 0, failed.output)
        XCTAssertTrue(failed.output.contains("trailer fingerprint does not match"), failed.output)
    }
}
