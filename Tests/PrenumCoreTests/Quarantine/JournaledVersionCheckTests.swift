import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The snapshot's parallel quality check (`JournaledVersionCheck`) against the register it
/// reads: what it hands over, and that it refuses to judge a register other than the one the
/// snapshot sees, or more bad versions than it may hold.
final class JournaledVersionCheckTests: XCTestCase {
    /// A register after a first night, with `bad` payments given a value no format can carry
    /// in journal rows after `base`.
    private func register(seed: UInt64, bad: Int) throws -> (world: SimulationWorkspace, uri: String, base: Int64, end: Int64, ids: [Int64])
    {
        let world = try SimulationWorkspace.afterNights(seed: seed, nights: 1)
        let base = try XCTUnwrap(try world.register.scalarInt("SELECT MAX(seq) FROM change_log"))
        var ids: [Int64] = []
        try world.register.prepare("SELECT id FROM payment ORDER BY id LIMIT ?").forEachRow([bad]) { ids.append(try $0["id"]) }
        XCTAssertEqual(ids.count, bad)
        for id in ids { try world.register.run("UPDATE payment SET payment_date = '2026-02-30' WHERE id = ?", [id]) }
        let end = try XCTUnwrap(try world.register.scalarInt("SELECT MAX(seq) FROM change_log"))
        let path = world.root.appendingPathComponent("register.db").path
        return (world, try RegisterReader(path: path).readOnlyURI, base, end, ids)
    }

    private func check(_ uri: String, after base: Int64, upTo end: Int64, limit: Int = 50_000) -> JournaledVersionCheck.Outcome {
        JournaledVersionCheck(registerURI: uri, busyTimeoutMilliseconds: 1_000, after: base, upTo: end, flaggedLimit: limit).wait()
    }

    func testItHandsOverExactlyTheBadVersionsWithTheirColumnAndReason() throws {
        let (world, uri, base, end, ids) = try register(seed: 31, bad: 3)
        guard case .flagged(let flagged) = check(uri, after: base, upTo: end) else { return XCTFail("the check was not used") }
        XCTAssertEqual(Set(flagged.map(\.id)), Set(ids))
        for version in flagged {
            XCTAssertEqual(version.kind, .payment)
            XCTAssertEqual(version.problem, "payment_date \(RegisterValueDomain.notDate)")
            XCTAssertEqual(
                version.pnr, .text(try XCTUnwrap(try world.register.scalarText("SELECT pnr FROM payment WHERE id = ?", [version.id]))))
        }
        // Journal rows before the window are not judged again.
        guard case .flagged(let none) = check(uri, after: end, upTo: end) else { return XCTFail("the check was not used") }
        XCTAssertEqual(none, [])
    }

    func testARegisterThatMovedOnIsLeftToTheSnapshotsOwnConnection() throws {
        let (world, uri, base, end, _) = try register(seed: 32, bad: 1)
        defer { withExtendedLifetime(world) {} }  // its folder holds the register
        // The snapshot saw the journal end at `end - 1`; the check's own transaction sees `end`.
        guard case .unavailable(let reason) = check(uri, after: base, upTo: end - 1) else {
            return XCTFail("a check of another register state was used")
        }
        XCTAssertTrue(reason.contains("moved on to seq \(end)"), reason)
    }

    func testMoreBadVersionsThanTheLimitAreLeftToTheSnapshotsOwnConnection() throws {
        let (world, uri, base, end, _) = try register(seed: 33, bad: 3)
        defer { withExtendedLifetime(world) {} }  // its folder holds the register
        guard case .unavailable(let reason) = check(uri, after: base, upTo: end, limit: 2) else {
            return XCTFail("more than the limit was handed over")
        }
        XCTAssertTrue(reason.contains("more than 2"), reason)
        guard case .flagged(let flagged) = check(uri, after: base, upTo: end, limit: 3) else { return XCTFail("the check was not used") }
        XCTAssertEqual(flagged.count, 3)
    }

    func testAMissingRegisterIsLeftToTheSnapshotsOwnConnection() throws {
        let folder = try TemporaryFolder("prenum-version-check")
        let uri = "file:\(folder.url.appendingPathComponent("gone.db").path)?mode=ro"
        guard case .unavailable(let reason) = check(uri, after: 0, upTo: 1) else { return XCTFail("a check without a register was used") }
        XCTAssertTrue(reason.contains("own connection failed"), reason)
    }
}
