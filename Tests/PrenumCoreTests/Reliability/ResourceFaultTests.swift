import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// The machine lets Prenum down: an outbox that cannot be created, a full disk, a damaged state
/// database, a missing or foreign register, a bad signing key. Each gives the SPEC's exit code
/// and a message naming the file, publishes no partial file and records no progress; once
/// repaired, the next run delivers as if nothing had happened.
final class ResourceFaultTests: XCTestCase {
    let secondNight = SimulationWorkspace.firstNight.adding(days: 1)

    /// Runs the second night with the fault in place and checks that nothing moved.
    func assertFailsWithoutTrace(
        _ world: SimulationWorkspace, exit expected: Int32, naming fragments: [String],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let state = try world.stateSummary()
        let files = world.fileListing()
        let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(outcome.status, expected, outcome.errorOutput, file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(
                outcome.errorOutput.contains(fragment), "message does not name \(fragment): \(outcome.errorOutput)", file: file, line: line)
        }
        XCTAssertEqual(try world.stateSummary(), state, "the failed run recorded progress", file: file, line: line)
        XCTAssertEqual(world.fileListing(), files, "the failed run wrote, moved or removed files", file: file, line: line)
    }

    /// After the repair the second night goes out normally to everyone.
    func assertRepairedRunDelivers(_ world: SimulationWorkspace, file: StaticString = #filePath, line: UInt = #line) throws {
        let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(outcome.status, 0, outcome.errorOutput, file: file, line: line)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1, file: file, line: line)
            try world.assertMirror(index, on: secondNight, file: file, line: line)
        }
    }

    /// The night after the repair: everyone delivered, the failed subscriber with a FULL file
    /// that continues its chain (sequence 2).
    func assertThirdNightCatchesUp(_ world: SimulationWorkspace, victim: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let third = secondNight.adding(days: 1)
        try world.chaos.advance(on: third, operations: 30, &world.random)
        let repaired = try ProcessRunner.prenum(["run", "--date", third.description], in: world.root)
        XCTAssertEqual(repaired.status, 0, repaired.errorOutput, file: file, line: line)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1, file: file, line: line)
            try world.assertMirror(index, on: third, file: file, line: line)
        }
        let id = world.subscribers[victim].id
        let caughtUp = try XCTUnwrap(world.subscribers[victim].files.last?.lastPathComponent)
        XCTAssertTrue(
            caughtUp.hasPrefix("\(id)-00000002-") && caughtUp.hasSuffix("-FULL.xml"), "catch-up file: \(caughtUp)", file: file, line: line)
    }

    func testAnOutboxThatIsAFileFailsOnlyItsSubscriberAndTheNextRunCatchesUpWithAFullFile() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 301)
        let victim = 1
        let outbox = world.outboxFolder(world.subscribers[victim])
        let saved = world.root.appendingPathComponent("saved-outbox")
        try FileManager.default.moveItem(at: outbox, to: saved)
        try Data("not a folder\n".utf8).write(to: outbox)
        // Its delivery files; its applied population file is archived with its commit.
        let archived = world.fileListing(["archive"]).keys.filter {
            $0.contains("/\(world.subscribers[victim].id)/") && !$0.contains("/population/")
        }

        let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(outcome.status, 1, outcome.errorOutput)
        XCTAssertTrue(outcome.errorOutput.contains(outbox.path) && outcome.errorOutput.contains("not a folder"), outcome.errorOutput)
        XCTAssertTrue(outcome.output.contains("failed"), outcome.output)
        let waiting = try FileManager.default.contentsOfDirectory(
            atPath: world.root.appendingPathComponent("inbox/\(world.subscribers[victim].id)").path)
        XCTAssertTrue(
            waiting.contains { $0.hasSuffix(".csv") },
            "its population file should wait in the inbox, since its receipt cannot be written: \(waiting)")
        XCTAssertEqual(try Data(contentsOf: outbox), Data("not a folder\n".utf8), "the file in the way was touched")
        XCTAssertEqual(
            world.fileListing(["archive"]).keys.filter { $0.contains("/\(world.subscribers[victim].id)/") && !$0.contains("/population/") }
                .sorted(), archived.sorted())
        let id = world.subscribers[victim].id
        XCTAssertEqual(try world.stateQuery("SELECT last_sequence FROM subscriber_state WHERE subscriber = '\(id)'"), "1")
        XCTAssertEqual(try world.stateQuery("SELECT COUNT(*) FROM delivery WHERE subscriber = '\(id)'"), "1")
        XCTAssertTrue(try world.stateQuery("SELECT message FROM run_failure WHERE subscriber = '\(id)'").contains(outbox.path))
        for index in world.subscribers.indices where index != victim {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: secondNight)
        }

        try FileManager.default.removeItem(at: outbox)
        try FileManager.default.moveItem(at: saved, to: outbox)
        try assertThirdNightCatchesUp(world, victim: victim)
    }

    /// A subscriber's outbox on a tiny file system that is full when its file is written.
    func testADiskFullWhileWritingPublishesNothingPartialAndRecordsNothing() throws {
        let victim = 4
        var mountPoint = ""
        var world: SimulationWorkspace?
        defer {
            if !mountPoint.isEmpty { _ = try? ProcessRunner.run("/bin/umount", [mountPoint]) }
            withExtendedLifetime(world) {}
        }
        world = try SimulationWorkspace.afterFirstNight(seed: 302) { world in
            let point = world.root.appendingPathComponent("small").path
            try FileManager.default.createDirectory(atPath: point, withIntermediateDirectories: true)
            let mounted = try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", point])
            guard mounted.status == 0 else {
                throw XCTSkip("cannot mount a small tmpfs here (needs root and mount): \(mounted.errorOutput)")
            }
            mountPoint = point
            world.subscribers[victim].outbox = "../small/pen-e"
        }
        guard let world else { return }
        let id = world.subscribers[victim].id
        let outbox = world.outboxFolder(world.subscribers[victim])
        // A refresh makes the file a FULL one, far bigger than the few bytes left.
        try world.orderRefresh(id)
        var info = statvfs()
        XCTAssertEqual(statvfs(mountPoint, &info), 0)
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        try Data(count: max(0, free - 2048)).write(to: URL(fileURLWithPath: mountPoint + "/filler"))
        let before = try FileManager.default.contentsOfDirectory(atPath: outbox.path).sorted()

        let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(outcome.status, 1, outcome.errorOutput)
        XCTAssertTrue(
            // The folder's own name, not the whole path: the log masks digit runs that look like
            // a personnummer, and a temporary folder's random name can hold one.
            outcome.errorOutput.contains("/small/pen-e/") && outcome.errorOutput.contains("No space left on device"), outcome.errorOutput)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: outbox.path).sorted(), before, "a file appeared in the full outbox")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: DeliveryPublisher.stagingFolder(outbox: outbox.path)), [],
            "a partial file was left in staging")
        XCTAssertEqual(try world.stateQuery("SELECT last_sequence FROM subscriber_state WHERE subscriber = '\(id)'"), "1")
        XCTAssertEqual(try world.stateQuery("SELECT COUNT(*) FROM delivery WHERE subscriber = '\(id)'"), "1")
        for index in world.subscribers.indices where index != victim {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: secondNight)
        }

        try FileManager.default.removeItem(atPath: mountPoint + "/filler")
        try assertThirdNightCatchesUp(world, victim: victim)
    }

    /// The archive on a tiny file system that is full when the night's files are copied into
    /// it (in the kernel, `DurableFiles.copy`): every file stays staged, none reaches an outbox,
    /// no partial copy is left, and once there is room the next run publishes them as made.
    func testAFullArchivePublishesNothingLeavesNoPartialCopyAndTheStagedFilesGoOutLater() throws {
        var mountPoint = ""
        var world: SimulationWorkspace?
        defer {
            if !mountPoint.isEmpty { _ = try? ProcessRunner.run("/bin/umount", [mountPoint]) }
            withExtendedLifetime(world) {}
        }
        // No population file that night: its copy would go to the full archive too, and wait.
        world = try SimulationWorkspace.afterFirstNight(seed: 304, populationFilesForTheSecondNight: false) { world in
            let point = world.root.appendingPathComponent("archive").path
            let mounted = try ProcessRunner.run("/bin/mount", ["-t", "tmpfs", "-o", "size=4m,mode=0755", "tmpfs", point])
            guard mounted.status == 0 else {
                throw XCTSkip("cannot mount a small tmpfs here (needs root and mount): \(mounted.errorOutput)")
            }
            mountPoint = point
        }
        guard let world else { return }
        var info = statvfs()
        XCTAssertEqual(statvfs(mountPoint, &info), 0)
        let free = Int(info.f_bavail) * Int(info.f_frsize)
        try Data(count: max(0, free - 2048)).write(to: URL(fileURLWithPath: mountPoint + "/filler"))
        let outboxes = world.subscribers.map { world.outboxFolder($0).path }
        let before = try outboxes.map { try FileManager.default.contentsOfDirectory(atPath: $0).sorted() }
        let archived = try FileManager.default.subpathsOfDirectory(atPath: mountPoint).sorted()

        let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(outcome.status, 1, outcome.errorOutput)
        XCTAssertTrue(
            outcome.errorOutput.contains("/archive/") && outcome.errorOutput.contains("No space left on device"), outcome.errorOutput)
        XCTAssertEqual(
            try outboxes.map { try FileManager.default.contentsOfDirectory(atPath: $0).sorted() }, before, "a file was published")
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: mountPoint).sorted(), archived, "a partial copy was left")
        XCTAssertEqual(
            try world.stateQuery("SELECT COUNT(*) FROM delivery WHERE status = 'staged'"), "\(world.subscribers.count)",
            "every file of the night stays staged")

        try FileManager.default.removeItem(atPath: mountPoint + "/filler")
        let retried = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(retried.status, 0, retried.errorOutput)
        XCTAssertEqual(try world.stateQuery("SELECT COUNT(*) FROM delivery WHERE status = 'staged'"), "0")
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: secondNight)
        }
    }

    func testADamagedStateDatabaseStopsWith65AndWritesNothing() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 303)
        let path = world.root.appendingPathComponent("state.db").path
        let walSize = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        XCTAssertEqual(walSize, 0, "the first run left a write-ahead log behind")
        let backup = path + ".backup"
        try FileManager.default.copyItem(atPath: path, toPath: backup)
        let handle = try XCTUnwrap(FileHandle(forUpdatingAtPath: path))
        var random = SeededRandom(seed: 9)
        try handle.write(contentsOf: Data((0..<100).map { _ in UInt8.random(in: 0...255, using: &random) }))
        try handle.close()
        let damaged = try Data(contentsOf: URL(fileURLWithPath: path))
        let files = world.fileListing()

        let outcome = try ProcessRunner.prenum(["run", "--date", secondNight.description], in: world.root)
        XCTAssertEqual(outcome.status, 65, outcome.errorOutput)
        XCTAssertTrue(outcome.errorOutput.contains(path) && outcome.errorOutput.contains("not a SQLite database"), outcome.errorOutput)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), damaged, "the damaged state database was written to")
        XCTAssertEqual(world.fileListing(), files, "the failed run wrote, moved or removed files")

        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: backup, toPath: path)
        try assertRepairedRunDelivers(world)
    }

    func testAMissingRegisterIs66AndARegisterThatIsNotADatabaseIs65() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 304)
        try world.patchConfiguration { $0["register"] = "../gone.db" }
        try assertFailsWithoutTrace(world, exit: 66, naming: [world.root.appendingPathComponent("gone.db").path])

        try Data(repeating: 0x41, count: 8192).write(to: world.root.appendingPathComponent("foreign.db"))
        try world.patchConfiguration { $0["register"] = "../foreign.db" }
        try assertFailsWithoutTrace(
            world, exit: 65, naming: [world.root.appendingPathComponent("foreign.db").path, "not a SQLite database"])

        try world.patchConfiguration { $0["register"] = "../register.db" }
        try assertRepairedRunDelivers(world)
    }

    func testASigningKeyMissingUnreadableOrTooOpenIs78() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 305)
        let keys = world.root.appendingPathComponent("keys")
        try world.patchConfiguration { $0["signingKey"] = "../keys/gone.pem" }
        try assertFailsWithoutTrace(world, exit: 78, naming: [keys.appendingPathComponent("gone.pem").path])

        try FileManager.default.createDirectory(at: keys.appendingPathComponent("folder.pem"), withIntermediateDirectories: true)
        try world.patchConfiguration { $0["signingKey"] = "../keys/folder.pem" }
        try assertFailsWithoutTrace(world, exit: 78, naming: [keys.appendingPathComponent("folder.pem").path])

        try world.patchConfiguration { $0["signingKey"] = "../keys/private.pem" }
        let key = keys.appendingPathComponent("private.pem").path
        XCTAssertEqual(chmod(key, 0o644), 0)
        try assertFailsWithoutTrace(world, exit: 78, naming: [key])

        XCTAssertEqual(chmod(key, 0o600), 0)
        try assertRepairedRunDelivers(world)
    }
}
