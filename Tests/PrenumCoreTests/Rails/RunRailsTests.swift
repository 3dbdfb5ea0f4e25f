import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// Issue 12, items 3, 4 and 9, through the real binary: a business date after tomorrow, a
/// register without its journal triggers or with a journal that is not the one Prenum read, a
/// bad key and a full disk on the state database each stop with the SPEC's exit code, a message
/// that says what to do, and nothing recorded or written.
final class RunRailsTests: XCTestCase {
    let secondNight = SimulationWorkspace.firstNight.adding(days: 1)

    /// Runs the second night and checks that it failed with `exit`, naming every fragment,
    /// and recorded and wrote nothing.
    @discardableResult
    func assertRefused(
        _ world: SimulationWorkspace, exit expected: Int32, naming fragments: [String], date: String? = nil,
        environment: [String: String] = [:], file: StaticString = #filePath, line: UInt = #line
    ) throws -> ProcessOutcome {
        let state = try world.stateSummary()
        let files = world.fileListing()
        let outcome = try ProcessRunner.prenum(["run", "--date", date ?? secondNight.description], in: world.root, environment: environment)
        XCTAssertEqual(outcome.status, expected, outcome.errorOutput, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(
                outcome.errorOutput.contains(fragment), "message does not say \(fragment): \(outcome.errorOutput)", file: file, line: line)
        }
        XCTAssertEqual(try world.stateSummary(), state, "the refused run recorded progress", file: file, line: line)
        XCTAssertEqual(world.fileListing(), files, "the refused run wrote, moved or removed files", file: file, line: line)
        return outcome
    }

    /// A fresh installation with its first population files waiting, never run.
    func freshWorld(seed: UInt64) throws -> SimulationWorkspace {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: seed, persons: 40)
        try world.writeConfiguration()
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: SimulationWorkspace.firstNight, full: true, lines: 20)
        }
        return world
    }

    /// What a refused first run must not have created beside the state database.
    func assertNothingCreated(_ world: SimulationWorkspace, file: StaticString = #filePath, line: UInt = #line) {
        for name in ["state.db", "state.db.lock", "state.db-wal", "reports"] {
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: world.root.appendingPathComponent(name).path),
                "\(name) was created", file: file, line: line)
        }
        XCTAssertTrue(
            (try? FileManager.default.contentsOfDirectory(atPath: world.root.appendingPathComponent("outbox").path))?.isEmpty ?? true,
            "an outbox was written", file: file, line: line)
    }

    func testABusinessDateAfterTomorrowIs64NamingTodayAndCreatesNothing() throws {
        let world = try freshWorld(seed: 1201)
        let clock = ["PRENUM_CLOCK": "2026-03-01T12:00:00Z"]
        let typo = try ProcessRunner.prenum(["run", "--date", "2026-03-03"], in: world.root, environment: clock)
        XCTAssertEqual(typo.status, 64, typo.errorOutput)
        XCTAssertTrue(
            typo.errorOutput.contains("after tomorrow") && typo.errorOutput.contains("today is 2026-03-01 in Europe/Stockholm"),
            typo.errorOutput)
        assertNothingCreated(world)
        let tomorrow = try ProcessRunner.prenum(["run", "--date", "2026-03-02"], in: world.root, environment: clock)
        XCTAssertEqual(tomorrow.status, 0, tomorrow.errorOutput)
    }

    func testABadKeyModeOrAMissingRegisterCreatesNothing() throws {
        let world = try freshWorld(seed: 1202)
        let key = world.root.appendingPathComponent("keys/private.pem").path
        XCTAssertEqual(chmod(key, 0o644), 0)
        let open = try ProcessRunner.prenum(["run", "--date", SimulationWorkspace.firstNight.description], in: world.root)
        XCTAssertEqual(open.status, 78, open.errorOutput)
        XCTAssertTrue(open.errorOutput.contains(key), open.errorOutput)
        assertNothingCreated(world)
        XCTAssertEqual(chmod(key, 0o600), 0)

        try world.patchConfiguration { $0["register"] = "../gone.db" }
        let missing = try ProcessRunner.prenum(["run", "--date", SimulationWorkspace.firstNight.description], in: world.root)
        XCTAssertEqual(missing.status, 66, missing.errorOutput)
        assertNothingCreated(world)
    }

    func testARegisterWithoutAJournalTriggerIs65WithTheRemedy() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1203)
        try world.register.execute("DROP TRIGGER payment_journal_update")
        try assertRefused(
            world, exit: 65, naming: ["no trigger journals UPDATE on payment into change_log", "RegisterSchema", "prenum refresh"])
    }

    func testAJournalRowOfAnUnknownRecordKindIs65AndNothingIsApplied() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1205)
        try world.chaos.advance(on: secondNight, operations: 20, &world.random)
        let pnr = try XCTUnwrap(try world.register.scalarText("SELECT pnr FROM payment ORDER BY id LIMIT 1"))
        try world.register.run(
            """
            INSERT INTO change_log(entity, entity_id, op, changed_at)
                SELECT 'grant', (SELECT id FROM payment WHERE pnr = ? ORDER BY id LIMIT 1), 'I', changed_at
                FROM change_log ORDER BY seq DESC LIMIT 1
            """, [pnr])
        let seq = try XCTUnwrap(try world.register.scalarInt("SELECT MAX(seq) FROM change_log"))
        try world.chaos.advance(on: secondNight, operations: 5, &world.random)
        let outcome = try assertRefused(world, exit: 65, naming: ["change_log seq \(seq)", "'case', 'payment'", "Nothing was read"])
        XCTAssertFalse(outcome.errorOutput.contains(pnr), outcome.errorOutput)
        XCTAssertFalse(outcome.errorOutput.contains("grant"), outcome.errorOutput)
    }

    func testAJournalResetAndGrownPastTheWatermarkIsRefused() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1204)
        let watermark = try XCTUnwrap(Int64(try world.stateQuery("SELECT value FROM meta WHERE key = 'watermark'")))
        XCTAssertGreaterThan(watermark, 0)
        XCTAssertTrue(try world.stateQuery("SELECT value FROM meta WHERE key = 'watermark_journal_row'").hasPrefix("\(watermark)|"))
        // The journal emptied and its numbering restarted, then filled again past the watermark
        // by upstream's writes: the old code took the new rows above the watermark for the only
        // changes and skipped everything in between.
        try world.register.execute("DELETE FROM change_log; DELETE FROM sqlite_sequence WHERE name = 'change_log'")
        while (try world.register.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0) <= watermark + 5 {
            try world.chaos.advance(on: secondNight, operations: 20, &world.random)
        }
        try assertRefused(
            world, exit: 65,
            naming: [
                "journal holds seq \(watermark)", "the last run recorded seq \(watermark)",
                "reset or renumbered, or this is another register", "prenum recover"
            ])
        // Renumbered: the row at the watermark gone.
        try world.register.execute("UPDATE change_log SET seq = seq + 1000000")
        try assertRefused(world, exit: 65, naming: ["journal has no row at seq \(watermark)"])
    }

    func testAFullDiskOnTheStateDatabaseIs73() throws {
        var mountPoint = ""
        let world = try SimulationWorkspace.afterFirstNight(seed: 1205)
        defer { if !mountPoint.isEmpty { _ = try? ProcessRunner.run("/bin/umount", [mountPoint]) } }
        let point = world.root.appendingPathComponent("small").path
        try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
        let mounted = try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=2m,mode=0755", "tmpfs", point])
        guard mounted.status == 0 else { throw XCTSkip("cannot mount a small tmpfs here (needs root and mount): \(mounted.errorOutput)") }
        mountPoint = point
        try FileManager.default.copyItem(atPath: world.root.appendingPathComponent("state.db").path, toPath: point + "/state.db")
        try world.patchConfiguration { $0["stateDatabase"] = "../small/state.db" }
        // Too full to open the state (its shared-memory file), then to commit the snapshot.
        for room in [4096, 40_000] {
            var info = statvfs()
            XCTAssertEqual(statvfs(point, &info), 0)
            let free = Int(info.f_bavail) * Int(info.f_frsize)
            try Data(count: max(0, free - room)).write(to: URL(fileURLWithPath: point + "/filler"))
            let files = world.fileListing()
            let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
            XCTAssertEqual(outcome.status, 73, "room \(room): \(outcome.errorOutput)")
            XCTAssertTrue(outcome.errorOutput.contains(point + "/state.db"), outcome.errorOutput)
            XCTAssertEqual(world.fileListing(), files, "the failed run wrote, moved or removed files")
            try FileManager.default.removeItem(atPath: point + "/filler")
        }
    }

    func testAWriteAheadLogRegisterInAFolderPrenumCannotWriteIsRefusedWithTheFixEveryTime() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run prenum as another user")
        }
        let world = try freshWorld(seed: 1206)
        // Prenum runs as nobody: its state folder is its own, the register's folder is upstream's.
        let stateFolder = world.root.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: stateFolder, withIntermediateDirectories: true)
        for folder in [stateFolder] + ["outbox", "moved", "archive", "inbox"].map({ world.root.appendingPathComponent($0).path }) {
            XCTAssertEqual(chown(folder, 65534, 65534), 0)
        }
        XCTAssertEqual(chown(world.root.appendingPathComponent("keys/private.pem").path, 65534, 65534), 0)
        try world.patchConfiguration { $0["stateDatabase"] = "../state/state.db" }
        let asNobody = "/usr/bin/setpriv --reuid=65534 --regid=65534 --clear-groups"
        for command in ["check", "run"] {
            let outcome = try ProcessRunner.prenum(
                [command, "--date", SimulationWorkspace.firstNight.description], in: world.root, shell: asNobody)
            XCTAssertEqual(outcome.status, 66, "\(command): \(outcome.errorOutput)")
            XCTAssertTrue(
                outcome.errorOutput.contains("is in WAL mode and its folder \(world.root.path) is not writable by this user")
                    && outcome.errorOutput.contains("journal_mode=DELETE"), outcome.errorOutput)
            XCTAssertEqual(
                try FileManager.default.contentsOfDirectory(atPath: stateFolder).filter { $0.hasPrefix("state.db") }, [],
                "\(command) created state")
        }
    }

    func testAWriteAheadLogRegisterInAFolderPrenumCannotWriteGetsItsOwnMessage() throws {
        let folder = try TestFolder()
        let path = folder.path + "/register.db"
        let register = try Database(path: path, mode: .readWrite(create: true))
        try register.enableWriteAheadLog()
        try RegisterSchema.create(in: register)
        XCTAssertNil(RegisterAccess.writeAheadLogProblem(path: path, folderWritable: { _ in true }))
        let problem = try XCTUnwrap(RegisterAccess.writeAheadLogProblem(path: path, folderWritable: { _ in false }))
        XCTAssertEqual(problem.exitCode, .noInput)
        XCTAssertTrue(
            problem.description.contains("WAL mode") && problem.description.contains(path + "-shm")
                && problem.description.contains("journal_mode=DELETE"), problem.description)
    }
}
