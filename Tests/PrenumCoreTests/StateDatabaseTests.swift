import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore

final class StateDatabaseTests: XCTestCase {
    var folder: TestFolder!

    override func setUpWithError() throws {
        folder = try TestFolder()
    }

    override func tearDown() {
        folder = nil
    }

    @discardableResult
    func tool(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        try TestFolder.runTool(path, arguments)
    }

    // MARK: Migrations

    func testAnEmptyFileIsMigratedToTheCurrentVersion() throws {
        let path = folder.path + "/state.db"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        do {
            let state = try StateDatabase(path: path)
            XCTAssertEqual(try state.schemaVersion(), StateDatabase.currentVersion)
        }
        // The stock sqlite3 tool sees the same version and every table.
        let (_, version) = try tool("/usr/bin/sqlite3", [path, "PRAGMA user_version"])
        XCTAssertEqual(version.trimmingCharacters(in: .whitespacesAndNewlines), "\(StateDatabase.currentVersion)")
        let (_, pageSize) = try tool("/usr/bin/sqlite3", [path, "PRAGMA page_size"])
        XCTAssertEqual(pageSize.trimmingCharacters(in: .whitespacesAndNewlines), "\(StateDatabase.pageSize)")
        let (_, tables) = try tool("/usr/bin/sqlite3", [path, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"])
        XCTAssertEqual(
            tables.split(separator: "\n").map(String.init),
            [
                "delivery", "disclosure", "disclosure_file", "disclosure_profile", "disclosure_recent", "fingerprint_bucket",
                "held_delivery", "meta",
                "population_event", "population_file", "quarantine", "record", "record_change", "record_recent",
                "run", "run_failure", "subscriber_state", "subscription", "tracked_person", "untrack_candidate"
            ])
    }

    func testAVersionOneStateKeepsItsCopyAndCountsItWhenMigrated() throws {
        let path = folder.path + "/v1.db"
        let v1 = try Database(path: path, mode: .readWrite(create: true))
        try v1.execute(StateSchema.migrations[0] + "; PRAGMA user_version = 1;")
        for (id, pnr) in [(1, "194001011234"), (2, "194001011234"), (3, "195502023456")] {
            try v1.run(
                "INSERT INTO record(entity, id, pnr, benefit, fields) VALUES (?, ?, ?, 'SA', ?)",
                [Int64(RecordKind.benefitCase.rawValue), Int64(id), pnr, Self.caseVersion(id, pnr).encodedFields])
        }
        let state = try StateDatabase(path: path)
        XCTAssertEqual(try state.schemaVersion(), StateDatabase.currentVersion)
        XCTAssertEqual(try state.meta("copy_rows"), "3")
        XCTAssertEqual(try RecordStore(database: state.database).records(ofPerson: "194001011234").map(\.id), [1, 2])
    }

    /// The copy's two tables read as one: a recent version overrides, moves and tombstones
    /// the compacted one, and compaction changes nothing a reader sees.
    func testRecentVersionsOverrideTheCompactedCopyAndCompactionKeepsWhatIsRead() throws {
        let state = try StateDatabase(path: folder.path + "/copy.db")
        let database = state.database
        let store = RecordStore(database: database)
        let (anna, bo, cia) = ("194001011234", "195502023456", "196003034567")
        func put(_ table: String, _ version: RecordVersion) throws {
            try database.run(
                "INSERT INTO \(table)(entity, id, pnr, benefit, fields) VALUES (?, ?, ?, ?, ?)",
                [Int64(version.entity.rawValue), version.id, version.pnr, version.benefit, version.encodedFields])
        }
        for id in 1...4 { try put("record", Self.caseVersion(id, anna)) }
        try store.adjustCopyRows(by: 4)
        var changed = Self.caseVersion(1, anna)
        changed.body = .benefitCase(
            CaseFields(decision: "denied", openedOn: "2026-01-01", closedOn: "2026-02-01", extentPct: nil, dailyAmountOre: nil))
        try put("record_recent", changed)  // changed in place
        try put("record_recent", Self.caseVersion(2, bo))  // moved to Bo
        try database.run("INSERT INTO record_recent(entity, id) VALUES (?, 3)", [Int64(RecordKind.benefitCase.rawValue)])  // gone
        try put("record_recent", Self.caseVersion(5, cia))  // new

        func reads() throws -> [String: [RecordVersion]] {
            try Dictionary(uniqueKeysWithValues: [anna, bo, cia].map { ($0, try store.records(ofPerson: $0)) })
        }
        let before = try reads()
        XCTAssertEqual(before[anna], [changed, Self.caseVersion(4, anna)])
        XCTAssertEqual(before[bo], [Self.caseVersion(2, bo)])
        XCTAssertEqual(before[cia], [Self.caseVersion(5, cia)])

        XCTAssertNil(try store.recentRowsDue(percent: 101), "4 recent rows are 100 % of 4")
        XCTAssertEqual(try store.recentRowsDue(percent: 100), 4)
        try store.compact()
        XCTAssertEqual(try reads(), before)
        XCTAssertEqual(try database.scalarInt("SELECT COUNT(*) FROM record_recent"), 0)
        XCTAssertEqual(try database.scalarInt("SELECT COUNT(*) FROM record"), 4)
        XCTAssertEqual(try store.copyRows(), 4, "kept without counting the copy")
    }

    static func caseVersion(_ id: Int, _ pnr: String) -> RecordVersion {
        RecordVersion(
            id: Int64(id), pnr: pnr, benefit: "SA",
            body: .benefitCase(
                CaseFields(decision: "granted", openedOn: "2026-01-0\(id)", closedOn: nil, extentPct: 100, dailyAmountOre: 50_000)))
    }

    func testAMissingFileIsCreatedAndReopeningKeepsData() throws {
        let path = folder.path + "/new.db"
        do {
            let state = try StateDatabase(path: path)
            try state.setMeta("k", "v")
        }
        let reopened = try StateDatabase(path: path)
        XCTAssertEqual(try reopened.meta("k"), "v")
        XCTAssertEqual(try reopened.schemaVersion(), StateDatabase.currentVersion)
    }

    func testAFileFromANewerPrenumIsRefusedAsConfiguration() throws {
        let path = folder.path + "/newer.db"
        try tool("/usr/bin/sqlite3", [path, "PRAGMA user_version = \(StateDatabase.currentVersion + 1)"])
        XCTAssertThrowsError(try StateDatabase(path: path)) { error in
            XCTAssertEqual((error as? PrenumFailure)?.exitCode, .configuration)
            XCTAssertTrue("\(error)".contains("newer"), "\(error)")
        }
    }

    func testAFileThatIsNotADatabaseIsRefusedAsBadData() throws {
        let path = folder.path + "/notes.db"
        try Data(String(repeating: "this is not a database\n", count: 200).utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try StateDatabase(path: path)) { error in
            XCTAssertEqual((error as? PrenumFailure)?.exitCode, .dataError)
            XCTAssertTrue("\(error)".contains(path), "\(error)")
        }
    }

    // MARK: The process lock

    func testTheLockIsExclusiveAndReleasedOnRelease() throws {
        let path = folder.path + "/state.db.lock"
        let lock = try ProcessLock.acquire(path: path)
        XCTAssertThrowsError(try ProcessLock.acquire(path: path)) { error in
            XCTAssertEqual((error as? PrenumFailure)?.exitCode, .temporaryFailure)
            XCTAssertTrue("\(error)".contains(path))
        }
        // util-linux flock(1), another process, agrees that it is held.
        XCTAssertEqual(try tool("/usr/bin/flock", ["--nonblock", path, "true"]).0, 1)
        lock.release()
        XCTAssertEqual(try tool("/usr/bin/flock", ["--nonblock", path, "true"]).0, 0)
        let again = try ProcessLock.acquire(path: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "\(getpid())\n")
        again.release()
    }

    // MARK: `prenum import` end to end

    var prenum: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/prenum").path
    }

    func testImportCommandExitCodes() throws {
        guard FileManager.default.isExecutableFile(atPath: prenum) else { throw XCTSkip("build the prenum executable first (swift build)") }
        // A broken configuration: 78, and nothing is written (no state folder, no state file).
        var root = TestFolder.validRoot()
        root["historyDays"] = 0
        let config = try folder.writeConfiguration(root)
        XCTAssertEqual(try tool(prenum, ["import", "--config", config]).0, 78)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path + "/var"))
        XCTAssertEqual(try tool(prenum, ["import", "--config", folder.path + "/none.json"]).0, 66)

        // A good one: files handled, a rejection is still exit 0.
        _ = try folder.writeConfiguration(TestFolder.validRoot())
        let inbox = folder.path + "/var/inbox/muni"
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        try Data("action;pnr;consent;from\nADD;198112189876;;\n".utf8).write(to: URL(fileURLWithPath: inbox + "/a.csv"))
        try Data("action;pnr;consent;from\nADD;198112189875;;\n".utf8).write(to: URL(fileURLWithPath: inbox + "/b.csv"))
        let (status, output) = try tool(prenum, ["import", "--config", config])
        XCTAssertEqual(status, 0)
        XCTAssertTrue(output.contains("muni a.csv: accepted"), output)
        XCTAssertTrue(output.contains("muni b.csv: rejected"), output)
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(output), output)

        // Another holder of the lock: 75.
        let lock = try ProcessLock.acquire(path: folder.path + "/var/state.db.lock")
        XCTAssertEqual(try tool(prenum, ["import", "--config", config]).0, 75)
        lock.release()
        XCTAssertEqual(try tool(prenum, ["import", "--config", config]).1, "no population files pending\n")
    }
}
