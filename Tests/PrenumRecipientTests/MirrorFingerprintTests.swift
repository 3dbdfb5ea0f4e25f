import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// Format 3's trailer on the recipient side: `prenum apply` and `prenum verify --mirror` catch
/// a mirror damaged by hand at the next file, naming the file, what was expected and found.
final class MirrorFingerprintTests: XCTestCase {
    /// The first subscriber on format 3 in the simulation.
    static let version3 = 4

    func testApplyCatchesAMirrorDamagedByHandAtTheNextFile() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace.afterNights(seed: 919, nights: 6, orderChanges: false)
        XCTAssertEqual(world.subscribers[Self.version3].formatVersion, 3)
        let files = world.deliveredFiles(Self.version3)
        XCTAssertEqual(files.count, 6)
        let mirror = world.root.appendingPathComponent("mirror.sqlite").path
        let early = try world.copyFiles(Array(files[0..<4]), to: "early")
        let first = try apply(early, mirror: mirror, world)
        XCTAssertEqual(first.status, 0, first.output + first.errorOutput)
        let checked = try ProcessRunner.prenum(
            ["verify", "--dir", early.path, "--public-key", world.publicKeyPath, "--mirror", mirror],
            in: world.root, configured: false)
        XCTAssertEqual(checked.status, 0, checked.output)
        XCTAssertTrue(checked.output.contains("matches \(files[3].lastPathComponent)"), checked.output)

        // Damage what the next file does not mention: one amount changed, one record deleted.
        let next = try String(contentsOf: files[4], encoding: .utf8)
        let database = try Database(path: mirror, mode: .readWrite(create: false))
        let payment = try XCTUnwrap(
            try untouched("SELECT id FROM mirror_payment ORDER BY payment_date DESC", element: "payment", in: next, database))
        let benefitCase = try untouched("SELECT id FROM mirror_case WHERE closed_on IS NULL", element: "case", in: next, database)
        try database.run("UPDATE mirror_payment SET gross_ore = gross_ore + 100 WHERE id = ?", [payment])
        if let benefitCase {
            try database.run("DELETE FROM mirror_case WHERE id = ?", [benefitCase])
        } else {
            let other = try XCTUnwrap(
                try untouched(
                    "SELECT id FROM mirror_payment WHERE id <> \(payment) ORDER BY payment_date DESC",
                    element: "payment", in: next, database))
            try database.run("DELETE FROM mirror_payment WHERE id = ?", [other])
        }
        let damaged = try ProcessRunner.prenum(
            ["verify", "--dir", early.path, "--public-key", world.publicKeyPath, "--mirror", mirror],
            in: world.root, configured: false)
        XCTAssertEqual(damaged.status, 65, damaged.output)
        XCTAssertTrue(damaged.output.contains("drifted"), damaged.output)

        let all = try world.copyFiles(Array(files[4...]), to: "late")
        let refused = try apply(all, mirror: mirror, world)
        XCTAssertEqual(refused.status, 65, refused.output + refused.errorOutput)
        XCTAssertTrue(refused.output.contains("REFUSED: \(files[4].lastPathComponent): after applying it the mirror holds"), refused.output)
        XCTAssertTrue(refused.output.contains("but its trailer says visible="), refused.output)
        XCTAssertTrue(
            refused.output.contains("mirror holds pen-e up to sequence 4"), "the differing file is not applied: \(refused.output)")
    }

    /// The sum's arithmetic: an empty mirror is 64 zeros, and adding and taking out wrap
    /// modulo 2^256.
    func testEmptyMirrorFingerprintIsZero() throws {
        XCTAssertEqual(MirrorFingerprint.empty.sum.hex, String(repeating: "0", count: 64))
        let one = Fingerprint256(digestOf: Array("x".utf8))
        XCTAssertEqual((one - one), .zero)
        XCTAssertEqual((Fingerprint256.zero - one) + one, .zero, "subtraction wraps modulo 2^256")
        let max = try XCTUnwrap(Fingerprint256(hex: String(repeating: "f", count: 64)))
        XCTAssertEqual(
            (max + (try XCTUnwrap(Fingerprint256(hex: String(repeating: "0", count: 63) + "1")))).hex, String(repeating: "0", count: 64))
    }

    func apply(_ folder: URL, mirror: String, _ world: SimulationWorkspace) throws -> ProcessOutcome {
        try ProcessRunner.prenum(
            ["apply", "--dir", folder.path, "--public-key", world.publicKeyPath, "--mirror", mirror],
            in: world.root, configured: false)
    }

    /// The first id the query yields that the file's text never names.
    func untouched(_ query: String, element: String, in text: String, _ database: Database) throws -> Int64? {
        var found: Int64?
        try database.prepare(query).forEachRow { row in
            if found == nil && !text.contains("<\(element) id=\"\(row.int64(0))\"") { found = row.int64(0) }
        }
        return found
    }
}
