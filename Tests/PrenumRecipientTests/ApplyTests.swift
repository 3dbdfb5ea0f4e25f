import Foundation
import PrenumCrypto
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumRecipient
@testable import PrenumSimulationSupport

/// `prenum apply`: a recipient mirror built by applying the delivered files must hold exactly
/// what the independent visibility query says the subscriber may see, field for field.
final class ApplyTests: XCTestCase {
    func makeApplier(_ world: SimulationWorkspace) throws -> MirrorApplier {
        MirrorApplier(
            verifier: DeliveryVerifier(
                keys: try PublicKeyRing.load(path: world.publicKeyPath),
                schemas: try SchemaValidator.locate()),
            log: world.makeLog())
    }

    /// The mirror's rows in the oracle's notation (attribute names, kronor text, deductions).
    static func mirrorRecords(_ path: String) throws -> [String: MirrorRecord] {
        let database = try Database(path: path, mode: .readOnly)
        var records: [String: MirrorRecord] = [:]
        try database.prepare("SELECT id, pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore FROM mirror_case")
            .forEachRow { row in
                let record = VisibilityOracle.caseRecord(row)
                records[record.key] = record
            }
        try database.prepare(
            """
            SELECT id, pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at FROM mirror_payment
            """
        ).forEachRow { row in
            var attributes = [
                "benefit": row.text(2), "paymentDate": row.text(7),
                "gross": VisibilityOracle.kronor(row.int64(8)), "tax": VisibilityOracle.kronor(row.int64(9))
            ]
            if let company = row.optionalText(3) { attributes["company"] = company }
            if let status = row.optionalText(4) { attributes["status"] = status }
            if let from = row.optionalText(5) { attributes["periodFrom"] = from }
            if let to = row.optionalText(6) { attributes["periodTo"] = to }
            if let registered = row.optionalText(10) { attributes["registeredAt"] = registered }
            var deductions: [String] = []
            try database.prepare("SELECT kind, amount_ore FROM mirror_deduction WHERE payment_id = ? ORDER BY kind")
                .forEachRow([row.int64(0)]) { deductions.append("\($0.text(0))=\(VisibilityOracle.kronor($0.int64(1)))") }
            let record = MirrorRecord(entity: "payment", id: row.int64(0), pnr: row.text(1), attributes: attributes, deductions: deductions)
            records[record.key] = record
        }
        return records
    }

    /// Returns how many records the oracle expects, so callers can make sure something was compared.
    @discardableResult
    func assertMirrorMatchesOracle(
        _ world: SimulationWorkspace, _ index: Int, mirror: String, on day: CalendarDate,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Int {
        let subscriber = world.subscribers[index]
        let expected = try VisibilityOracle(register: world.register).visible(
            population: subscriber.population, requiresConsent: subscriber.requiresConsent, benefits: subscriber.benefits,
            formatVersion: subscriber.formatVersion, businessDate: day.description, historyDays: world.historyDays)
        let held = try Self.mirrorRecords(mirror)
        let missing = expected.keys.filter { held[$0] == nil }.sorted()
        let extra = held.keys.filter { expected[$0] == nil }.sorted()
        let differing = expected.keys.filter { held[$0] != nil && held[$0] != expected[$0] }.sorted()
        XCTAssertTrue(
            missing.isEmpty && extra.isEmpty && differing.isEmpty,
            """
            \(subscriber.id) on \(day): mirror differs from the oracle: missing \(missing), extra \(extra), \
            differing \(differing.map { "\(held[$0]!) vs expected \(expected[$0]!)" })
            """, file: file, line: line)
        return expected.count
    }

    func testApplyEqualsTheVisibilityOracleAfterFifteenNights() throws {
        let world = try SimulationWorkspace.afterNights(seed: 515, nights: 8)
        let applier = try makeApplier(world)
        var mirrors: [String] = []
        // Half-way: apply what is there, then the rest after more nights, as a recipient would.
        for index in world.subscribers.indices {
            let mirror = world.root.appendingPathComponent("mirror-\(world.subscribers[index].id).sqlite").path
            mirrors.append(mirror)
            let report = try applier.apply(directory: world.outboxFolder(world.subscribers[index]).path, mirrorPath: mirror)
            XCTAssertEqual(report.exitCode, .ok, report.text)
            XCTAssertEqual(report.applied.count, 8, report.text)
            try assertMirrorMatchesOracle(world, index, mirror: mirror, on: SimulationWorkspace.night(7))
        }
        try world.runNights(from: SimulationWorkspace.night(8), count: 7)
        let last = SimulationWorkspace.night(14)
        var kinds = Set<String>()
        var compared = 0
        for index in world.subscribers.indices {
            let report = try applier.apply(directory: world.outboxFolder(world.subscribers[index]).path, mirrorPath: mirrors[index])
            XCTAssertEqual(report.exitCode, .ok, report.text)
            XCTAssertEqual(report.applied.count, 7, report.text)
            XCTAssertEqual(report.skipped.count, 8)
            XCTAssertEqual(report.state?.lastSequence, 15)
            compared += try assertMirrorMatchesOracle(world, index, mirror: mirrors[index], on: last)
            kinds.formUnion(world.deliveredFiles(index).map { $0.lastPathComponent.hasSuffix("-FULL.xml") ? "FULL" : "DELTA" })
        }
        XCTAssertGreaterThan(compared, 20, "the oracle should see enough records for the comparison to mean something")
        let texts = try world.subscribers.indices.flatMap(world.deliveredFiles).map { try String(contentsOf: $0, encoding: .utf8) }
        for change in ["change=\"CHANGED\"", "change=\"REMOVED\"", "<unsubscribed "] {
            XCTAssertTrue(texts.contains { $0.contains(change) }, "no file exercised \(change)")
        }
        XCTAssertEqual(kinds, ["FULL", "DELTA"], "the simulation should have produced both kinds of file")
        let versions = Set(texts.compactMap { text in [1, 2].first { text.contains("formatVersion=\"\($0)\"") } })
        XCTAssertEqual(versions, [1, 2], "files of both format versions should have been applied")
        XCTAssertTrue(texts.contains { $0.contains("formatVersion=\"3\"") }, "files of format version 3 should have been applied")
    }

    func testSecondApplyChangesNothing() throws {
        let world = try SimulationWorkspace.afterNights(seed: 616, nights: 5)
        let applier = try makeApplier(world)
        let folder = world.outboxFolder(world.subscribers[0]).path
        let mirror = world.root.appendingPathComponent("mirror.sqlite").path
        XCTAssertEqual(try applier.apply(directory: folder, mirrorPath: mirror).applied.count, 5)
        let before = try ProcessRunner.run("/usr/bin/sqlite3", [mirror, ".dump"])
        let second = try applier.apply(directory: folder, mirrorPath: mirror)
        XCTAssertEqual(second.exitCode, .ok, second.text)
        XCTAssertEqual(second.applied, [])
        XCTAssertEqual(second.skipped.count, 5)
        let after = try ProcessRunner.run("/usr/bin/sqlite3", [mirror, ".dump"])
        XCTAssertEqual(before.status, 0, before.errorOutput)
        XCTAssertTrue(before.output.contains("INSERT INTO mirror_state"), "dump should hold the mirror")
        XCTAssertEqual(before.output, after.output)
    }

    func testApplyRefusesToSkipAGap() throws {
        let world = try SimulationWorkspace.afterNights(seed: 717, nights: 6, orderChanges: false)
        let applier = try makeApplier(world)
        let files = world.deliveredFiles(1)
        let mirror = world.root.appendingPathComponent("mirror.sqlite").path
        let early = try world.copyFiles(Array(files[0..<3]), to: "early")
        XCTAssertEqual(try applier.apply(directory: early.path, mirrorPath: mirror).applied.count, 3)
        let before = try ProcessRunner.run("/usr/bin/sqlite3", [mirror, ".dump"]).output

        // Sequence 4 never arrived; 5 and 6 did. Each folder alone verifies, but the mirror must not jump.
        let late = try world.copyFiles(Array(files[4...]), to: "late")
        let report = try applier.apply(directory: late.path, mirrorPath: mirror)
        XCTAssertTrue(report.verification.passed, report.text)
        XCTAssertEqual(report.exitCode, .dataError)
        XCTAssertEqual(report.applied, [])
        XCTAssertTrue(report.refusal?.contains("sequence 4 is missing") ?? false, report.refusal ?? "no refusal")
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [mirror, ".dump"]).output, before, "a refused apply changed the mirror")

        // An empty mirror does not start on a DELTA in mid-chain either.
        let fresh = world.root.appendingPathComponent("fresh.sqlite").path
        let midChain = try applier.apply(directory: late.path, mirrorPath: fresh)
        XCTAssertEqual(midChain.exitCode, .dataError)
        XCTAssertTrue(midChain.refusal?.contains("mirror is empty") ?? false, midChain.refusal ?? "no refusal")
    }

    func testApplyRefusesAFileThatDoesNotChainOntoTheMirrorAndFilesOfAnotherSubscriber() throws {
        let world = try SimulationWorkspace.afterNights(seed: 818, nights: 4, orderChanges: false)
        let applier = try makeApplier(world)
        let mirror = world.root.appendingPathComponent("mirror.sqlite").path
        let files = world.deliveredFiles(0)
        let first = try world.copyFiles(Array(files[0..<2]), to: "first")
        XCTAssertEqual(try applier.apply(directory: first.path, mirrorPath: mirror).exitCode, .ok)

        // A folder whose sequence 2 was substituted by a re-signed variant: on its own it verifies,
        // but its sequence 3 names the substitute, not what the mirror applied.
        let substituted = try world.copyFiles(Array(files[1..<3]), to: "substituted")
        let second = substituted.appendingPathComponent(files[1].lastPathComponent)
        var text = try String(contentsOf: second, encoding: .utf8)
        text = text.replacingOccurrences(of: "T01:00:00Z", with: "T01:00:01Z")
        try Data(text.utf8).write(to: second)
        try world.resign(second)
        let third = substituted.appendingPathComponent(files[2].lastPathComponent)
        let newHash = try SHA256Digest.hex(ofFile: second.path)
        let oldHash = try SHA256Digest.hex(ofFile: files[1].path)
        try Data(try String(contentsOf: third, encoding: .utf8).replacingOccurrences(of: oldHash, with: newHash).utf8).write(to: third)
        try world.resign(third)
        let report = try applier.apply(directory: substituted.path, mirrorPath: mirror)
        XCTAssertTrue(report.verification.passed, report.text)
        XCTAssertEqual(report.exitCode, .dataError, report.text)
        XCTAssertTrue(report.refusal?.contains("differs from the file applied earlier as sequence 2") ?? false, report.refusal ?? "none")

        let other = try world.copyFiles(Array(world.deliveredFiles(1).prefix(2)), to: "other")
        let foreign = try applier.apply(directory: other.path, mirrorPath: mirror)
        XCTAssertEqual(foreign.exitCode, .dataError)
        XCTAssertTrue(foreign.refusal?.contains("refusing files of mun-b") ?? false, foreign.refusal ?? "none")
    }

    func testApplyCommandThroughTheBinary() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ProcessRunner.debugPrenum), "build prenum first")
        let world = try SimulationWorkspace.afterNights(seed: 919, nights: 3, orderChanges: false)
        let mirror = world.root.appendingPathComponent("mirror.sqlite").path
        let folder = world.outboxFolder(world.subscribers[2]).path
        let result = try ProcessRunner.run(
            ProcessRunner.debugPrenum, ["apply", "--dir", folder, "--public-key", world.publicKeyPath, "--mirror", mirror])
        XCTAssertEqual(result.status, 0, result.output + result.errorOutput)
        XCTAssertTrue(result.output.contains("mirror holds enf-c up to sequence 3"), result.output)
        let state = try ProcessRunner.run("/usr/bin/sqlite3", [mirror, "SELECT subscriber, last_sequence, last_hash FROM mirror_state"])
        let lastHash = try SHA256Digest.hex(ofFile: world.deliveredFiles(2)[2].path)
        XCTAssertEqual(state.output, "enf-c|3|\(lastHash)\n")
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(result.output + result.errorOutput))
    }

    func testKronorAmounts() {
        XCTAssertEqual(KronorAmount.ore("850.00"), 85_000)
        XCTAssertEqual(KronorAmount.ore("-12.50"), -1_250)
        XCTAssertEqual(KronorAmount.ore("0.05"), 5)
        for bad in ["12.5", "12", ".50", "1,00", "-", "12.500", "a.00", ""] { XCTAssertNil(KronorAmount.ore(bad), bad) }
    }
}
