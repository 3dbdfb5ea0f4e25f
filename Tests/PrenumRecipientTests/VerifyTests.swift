import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumRecipient
@testable import PrenumSimulationSupport

/// `prenum verify` over real delivered files, each test damaging a copy in one way that a
/// recipient must notice.
final class VerifyTests: XCTestCase {
    /// One simulation shared by the tests (each works on its own copy of the files).
    nonisolated(unsafe) static var shared: SimulationWorkspace?

    var world: SimulationWorkspace {
        get throws {
            if let shared = Self.shared { return shared }
            let made = try SimulationWorkspace.afterNights(seed: 4242, nights: 6, orderChanges: false)
            Self.shared = made
            return made
        }
    }

    override class func tearDown() {
        shared = nil
        super.tearDown()
    }
    var files: [URL] { get throws { try world.deliveredFiles(0) } }

    func verifier(keyPath: String? = nil) throws -> DeliveryVerifier {
        DeliveryVerifier(keys: try PublicKeyRing.load(path: keyPath ?? world.publicKeyPath), schemas: try SchemaValidator.locate())
    }

    /// A copy of subscriber 0's files in a fresh folder.
    func copy(_ name: String = #function) throws -> URL {
        let folder = try world.copyFiles(try files, to: "verify-\(name.filter(\.isLetter))-\(UUID().uuidString.prefix(6))")
        return folder
    }

    func verdict(_ report: VerificationReport, _ url: URL) -> FileVerdict? {
        report.files.first { $0.name == url.lastPathComponent }
    }

    func assertOnlyFailure(
        _ report: VerificationReport, _ name: String, contains text: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let failed = report.files.filter { !$0.passed }
        XCTAssertEqual(failed.map(\.name), [name], report.text, file: file, line: line)
        XCTAssertTrue(
            failed.first?.problems.contains { $0.contains(text) } ?? false,
            "expected a problem containing '\(text)': \(report.text)", file: file, line: line)
        XCTAssertEqual(report.exitCode, .dataError, file: file, line: line)
    }

    /// Rewrites a copied file's text and signs it again, as a forger with the key (or Prenum
    /// with a bug) would: only the checks other than the signature can catch it.
    func edit(_ url: URL, _ change: (String) -> String) throws {
        let text = try String(contentsOf: url, encoding: .utf8)
        let changed = change(text)
        XCTAssertNotEqual(changed, text, "the edit changed nothing in \(url.lastPathComponent)")
        try Data(changed.utf8).write(to: url)
        try world.resign(url)
    }

    func testUntouchedFilesAllPass() throws {
        let folder = try copy()
        try Data("not a delivery".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let report = try verifier().verify(directory: folder.path)
        XCTAssertEqual(report.files.count, 6)
        XCTAssertTrue(report.passed, report.text)
        XCTAssertEqual(report.exitCode, .ok)
        XCTAssertTrue(report.text.contains("\(try files[0].lastPathComponent): ok"), report.text)
    }

    func testBadSignature() throws {
        let folder = try copy()
        let target = folder.appendingPathComponent(try files[2].lastPathComponent + ".sig")
        var signature = try Data(contentsOf: target)
        signature[10] ^= 0x01
        try signature.write(to: target)
        assertOnlyFailure(try verifier().verify(directory: folder.path), try files[2].lastPathComponent, contains: "bad signature")
    }

    func testMissingAndShortSignature() throws {
        let folder = try copy()
        try FileManager.default.removeItem(at: folder.appendingPathComponent(try files[1].lastPathComponent + ".sig"))
        try Data(repeating: 0, count: 63).write(to: folder.appendingPathComponent(try files[3].lastPathComponent + ".sig"))
        let report = try verifier().verify(directory: folder.path)
        XCTAssertTrue(verdict(report, try files[1])?.problems.contains { $0.contains("missing") } ?? false, report.text)
        XCTAssertTrue(verdict(report, try files[3])?.problems.contains { $0.contains("63 bytes") } ?? false, report.text)
    }

    func testWrongKeyAndAKeyFolderAfterRotation() throws {
        let other = try SigningKey.generate()
        let keys = try world.root.appendingPathComponent("keys-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
        try other.writePEM(
            privatePath: keys.appendingPathComponent("new-private.pem.key").path,
            publicPath: keys.appendingPathComponent("\(other.publicKey.keyID).pem").path)
        let folder = try copy()
        let wrong = try verifier(keyPath: keys.appendingPathComponent("\(other.publicKey.keyID).pem").path).verify(directory: folder.path)
        XCTAssertEqual(wrong.files.filter(\.passed).count, 0, wrong.text)
        XCTAssertTrue(wrong.files.allSatisfy { $0.problems.contains { $0.contains("signed by another key") } }, wrong.text)

        // The old key kept beside the new one, named by key id: files signed before the rotation verify.
        try FileManager.default.copyItem(
            atPath: world.publicKeyPath, toPath: keys.appendingPathComponent("\(try world.publicKey.keyID).pem").path)
        let rotated = try verifier(keyPath: keys.path).verify(directory: folder.path)
        XCTAssertTrue(rotated.passed, rotated.text)
    }

    func testTruncatedFile() throws {
        let folder = try copy()
        let target = folder.appendingPathComponent(try files[5].lastPathComponent)
        let bytes = try Data(contentsOf: target)
        try bytes.prefix(bytes.count * 2 / 3).write(to: target)
        try world.resign(target)
        let report = try verifier().verify(directory: folder.path)
        assertOnlyFailure(report, target.lastPathComponent, contains: "truncated file?")
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(report.text), report.text)
    }

    func testGapIsReportedNamingTheFiles() throws {
        let folder = try copy()
        for suffix in ["", ".sig"] {
            try FileManager.default.removeItem(at: folder.appendingPathComponent(try files[2].lastPathComponent + suffix))
        }
        let report = try verifier().verify(directory: folder.path)
        assertOnlyFailure(report, try files[3].lastPathComponent, contains: "sequence 3 is missing after \(try files[1].lastPathComponent)")
    }

    func testRepeatedSequence() throws {
        let folder = try copy()
        let original = try files[2]
        let name = try XCTUnwrap(DeliveryFileName(parsing: original.lastPathComponent))
        let twin = DeliveryFileName(
            subscriberID: name.subscriberID, sequence: name.sequence, businessDate: name.businessDate.adding(days: 1), kind: name.kind)
        let target = folder.appendingPathComponent(twin.xmlName)
        try FileManager.default.copyItem(at: original, to: target)
        try edit(target) {
            $0.replacingOccurrences(of: "businessDate=\"\(name.businessDate)\"", with: "businessDate=\"\(twin.businessDate)\"")
        }
        let report = try verifier().verify(directory: folder.path)
        XCTAssertTrue(
            verdict(report, original)?.problems.contains { $0.contains("sequence 3 repeated: also in \(twin.xmlName)") } ?? false,
            report.text)
        XCTAssertTrue(verdict(report, target)?.problems.contains { $0.contains("sequence 3 repeated") } ?? false, report.text)
        XCTAssertEqual(report.exitCode, .dataError)
    }

    func testSubstitutedFileBreaksThePreviousHash() throws {
        let folder = try copy()
        try edit(folder.appendingPathComponent(try files[3].lastPathComponent)) {
            $0.replacingOccurrences(of: "T01:00:00Z", with: "T01:00:07Z")
        }
        assertOnlyFailure(
            try verifier().verify(directory: folder.path), try files[4].lastPathComponent,
            contains: "previousHash does not match the SHA-256 of \(try files[3].lastPathComponent)")
    }

    func testSchemaViolation() throws {
        let folder = try copy()
        let target = folder.appendingPathComponent(try files[5].lastPathComponent)
        try edit(target) { $0.replacingOccurrences(of: "orgNumber=\"", with: "orgNumber=\"X") }
        assertOnlyFailure(
            try verifier().verify(directory: folder.path), target.lastPathComponent, contains: "not valid against delivery-v2.xsd")
    }

    func testWrongTrailerCount() throws {
        let folder = try copy()
        let target = folder.appendingPathComponent(try files[5].lastPathComponent)
        let text = try String(contentsOf: target, encoding: .utf8)
        let records = try XCTUnwrap(text.range(of: #"records="[0-9]+""#, options: .regularExpression).map { String(text[$0]) })
        let count = try XCTUnwrap(Int(records.dropFirst(9).dropLast()))
        try edit(target) { $0.replacingOccurrences(of: records, with: "records=\"\(count + 1)\"") }
        assertOnlyFailure(
            try verifier().verify(directory: folder.path), target.lastPathComponent,
            contains: "trailer records=\(count + 1) but the file holds \(count)")
    }

    func testRemovedRecordCarryingFieldsAndHeaderNotMatchingName() throws {
        let all = try world.subscribers.indices.flatMap { try world.deliveredFiles($0) }
        let withRemoved = try XCTUnwrap(
            all.first { (try? String(contentsOf: $0, encoding: .utf8).contains("change=\"REMOVED\"/>")) ?? false },
            "the simulation should have produced a REMOVED record")
        let folder = try world.copyFiles([withRemoved], to: "removed-\(UUID().uuidString.prefix(6))")
        let target = folder.appendingPathComponent(withRemoved.lastPathComponent)
        try edit(target) { text in
            guard let range = text.range(of: "change=\"REMOVED\"/>") else { return text }
            return text.replacingCharacters(in: range, with: "change=\"REMOVED\" benefit=\"SJP\"/>")
        }
        let renamed = folder.appendingPathComponent(withRemoved.lastPathComponent.replacingOccurrences(of: "-DELTA.xml", with: "-FULL.xml"))
        try FileManager.default.moveItem(at: target, to: renamed)
        try FileManager.default.moveItem(atPath: target.path + ".sig", toPath: renamed.path + ".sig")
        let report = try verifier().verify(directory: folder.path)
        let problems = report.files.first?.problems ?? []
        XCTAssertTrue(problems.contains { $0.contains("carries more than id and change (benefit)") }, report.text)
        XCTAssertTrue(problems.contains { $0.contains("header kind=DELTA does not match the file name (FULL)") }, report.text)
    }

    func testUnparseableNameAndMissingInputs() throws {
        let folder = try copy()
        try Data("<delivery/>".utf8).write(to: folder.appendingPathComponent("Insurer-A-1-2026.xml"))
        let report = try verifier().verify(directory: folder.path)
        assertOnlyFailure(report, "Insurer-A-1-2026.xml", contains: "not a delivery file name")

        XCTAssertThrowsError(try verifier().verify(directory: folder.appendingPathComponent("absent").path)) {
            XCTAssertEqual(($0 as? any PrenumFailure)?.exitCode, .noInput)
        }
        XCTAssertThrowsError(try PublicKeyRing.load(path: folder.appendingPathComponent("absent.pem").path)) {
            XCTAssertEqual(($0 as? any PrenumFailure)?.exitCode, .noInput)
        }
    }

    func testVerifyCommandExitCodes() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ProcessRunner.debugPrenum), "build prenum first")
        let folder = try copy()
        let good = try ProcessRunner.run(ProcessRunner.debugPrenum, ["verify", "--dir", folder.path, "--public-key", world.publicKeyPath])
        XCTAssertEqual(good.status, 0, good.output + good.errorOutput)
        XCTAssertEqual(good.output.split(separator: "\n").filter { $0.hasSuffix(": ok") }.count, 6, good.output)

        try FileManager.default.removeItem(at: folder.appendingPathComponent(try files[0].lastPathComponent + ".sig"))
        let bad = try ProcessRunner.run(ProcessRunner.debugPrenum, ["verify", "--dir", folder.path, "--public-key", world.publicKeyPath])
        XCTAssertEqual(bad.status, 65, bad.output + bad.errorOutput)
        XCTAssertTrue(bad.output.contains("\(try files[0].lastPathComponent): FAILED: signature file"), bad.output)

        let missing = try ProcessRunner.run(
            ProcessRunner.debugPrenum, ["verify", "--dir", folder.path + "-absent", "--public-key", world.publicKeyPath])
        XCTAssertEqual(missing.status, 66, missing.errorOutput)
    }
}
