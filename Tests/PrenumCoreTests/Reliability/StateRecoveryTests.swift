import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The state database lost, emptied or restored from an older backup: the next run must stop
/// before it writes anything (exit 65, naming the chains), and `prenum recover` must rebuild a
/// state from which every chain continues without a gap or a wrong `previousHash`, and every
/// recipient's mirror equals what the subscriber may see. All through the real binary.
final class StateRecoveryTests: XCTestCase {
    /// A workspace after `nights` nights run by the binary, every mirror checked.
    private func world(seed: UInt64, nights: Int) throws -> SimulationWorkspace {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: seed)
        world.historyDays = 90
        for _ in 0..<200 { try world.chaos.insertPayment(on: SimulationWorkspace.firstNight, &world.random) }
        try world.writeConfiguration()
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: SimulationWorkspace.firstNight, full: true, lines: 30)
        }
        XCTAssertEqual(try run(world, SimulationWorkspace.firstNight).status, 0)
        try collectAndCheck(world, SimulationWorkspace.firstNight)
        for n in 1..<nights {
            let day = SimulationWorkspace.night(n)
            try prepare(world, day)
            let outcome = try run(world, day)
            XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
            try collectAndCheck(world, day)
        }
        return world
    }

    /// Upstream changes and population files (a changed population every night) for `day`.
    private func prepare(_ world: SimulationWorkspace, _ day: CalendarDate) throws {
        try world.chaos.advance(on: day, operations: 25, &world.random)
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: day, full: index == 1 && day.description.hasSuffix("4"), lines: 5)
        }
    }

    private func run(
        _ world: SimulationWorkspace, _ day: CalendarDate, _ command: [String]? = nil,
        environment: [String: String] = [:]
    ) throws -> ProcessOutcome {
        var extra = environment
        extra["PRENUM_CLOCK"] = "\(day)T01:00:00Z"
        return try ProcessRunner.prenum(command ?? ["run", "--date", day.description], in: world.root, environment: extra)
    }

    /// Applies every new file (signature, sequence and previousHash checked by `collect`) and
    /// compares every mirror with the visibility oracle.
    private func collectAndCheck(
        _ world: SimulationWorkspace, _ day: CalendarDate, expectKind: String? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for index in world.subscribers.indices {
            let before = world.subscribers[index].files.count
            try world.collect(index, expectNew: 1, file: file, line: line)
            if let expectKind, let name = world.subscribers[index].files.dropFirst(before).first?.lastPathComponent {
                XCTAssertTrue(name.hasSuffix("-\(expectKind).xml"), "\(name): expected a \(expectKind) file", file: file, line: line)
            }
            try world.assertMirror(index, on: day, file: file, line: line)
        }
        try world.assertPopulationFilesHandledAsExpected(file: file, line: line)
    }

    /// Every file under the folders a run delivers to, reads from or archives into.
    private func files(_ world: SimulationWorkspace) -> [String: Data] {
        var found: [String: Data] = [:]
        for folder in ["outbox", "moved", "archive", "inbox"] {
            let base = world.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker {
                var isFolder: ObjCBool = false
                let path = base.appendingPathComponent(relative).path
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue {
                    found["\(folder)/\(relative)"] = FileManager.default.contents(atPath: path)
                }
            }
        }
        return found
    }

    private var statePath: (SimulationWorkspace) -> String { { $0.root.appendingPathComponent("state.db").path } }

    private func removeState(_ world: SimulationWorkspace) {
        for suffix in ["", "-wal", "-shm"] { unlink(statePath(world) + suffix) }
    }

    /// The refused run names every subscriber with its sequence and points to `recover`.
    private func assertRefused(
        _ outcome: ProcessOutcome, _ world: SimulationWorkspace, before: [String: Data],
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertEqual(outcome.status, 65, outcome.errorOutput, file: file, line: line)
        XCTAssertTrue(outcome.errorOutput.contains("prenum recover"), outcome.errorOutput, file: file, line: line)
        for subscriber in world.subscribers {
            XCTAssertTrue(
                outcome.errorOutput.contains("\(subscriber.id): "), "\(subscriber.id) not named: \(outcome.errorOutput)", file: file,
                line: line)
        }
        let after = files(world)
        XCTAssertEqual(Set(after.keys), Set(before.keys), "files appeared or went", file: file, line: line)
        for (path, bytes) in before where after[path] != bytes { XCTFail("\(path) changed", file: file, line: line) }
    }

    func testADeletedStateStopsTheRunAndRecoverContinuesEveryChain() throws {
        let world = try world(seed: 51, nights: 3)
        removeState(world)
        let day = SimulationWorkspace.night(3)
        try prepare(world, day)
        let before = files(world)
        let importRefused = try run(world, day, ["import"])
        assertRefused(importRefused, world, before: before)
        let refused = try run(world, day)
        assertRefused(refused, world, before: before)
        XCTAssertTrue(refused.errorOutput.contains("new or empty, the archive and outbox hold sequences up to 3"), refused.errorOutput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath(world)), "the refused run created a state database")

        let recovered = try run(world, day, ["recover"])
        XCTAssertEqual(recovered.status, 0, recovered.errorOutput)
        XCTAssertTrue(recovered.output.contains("(there was none)"), recovered.output)
        // The latest archived date counts as completed: the same date again is a no-op.
        let same = try run(world, SimulationWorkspace.night(2))
        XCTAssertEqual(same.status, 0, same.errorOutput)
        XCTAssertTrue(same.output.contains("already-completed"), same.output)
        // The archived files are the state's deliveries again, so a window can be re-delivered.
        let rerun = try run(
            world, day,
            [
                "rerun", "--subscriber", world.subscribers[0].id, "--from", SimulationWorkspace.night(0).description,
                "--to", SimulationWorkspace.night(2).description, "--dry-run"
            ])
        XCTAssertEqual(rerun.status, 0, rerun.errorOutput)
        // All three are still in the outbox: checked against the rebuilt hashes, none published again.
        XCTAssertTrue(rerun.output.contains("0 file pair(s)") && rerun.output.contains("3 already in place"), rerun.output)

        for n in 3..<6 {
            let night = SimulationWorkspace.night(n)
            if n > 3 { try prepare(world, night) }
            let outcome = try run(world, night)
            XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
            try collectAndCheck(world, night, expectKind: n == 3 ? "FULL" : nil)
        }
        try world.assertOpenSSLVerifies()
    }

    func testABackupFromTwoNightsEarlierIsRefusedThenRecovered() throws {
        let world = try world(seed: 52, nights: 2)
        // The backup as docs/OPERATIONS.md takes it: under the run lock, with sqlite3's .backup.
        let backup = world.root.appendingPathComponent("state-backup.db").path
        let taken = try ProcessRunner.run(
            "/usr/bin/flock", ["--nonblock", statePath(world) + ".lock", "/usr/bin/sqlite3", statePath(world), ".backup '\(backup)'"])
        XCTAssertEqual(taken.status, 0, taken.errorOutput)
        for n in 2..<4 {
            let day = SimulationWorkspace.night(n)
            try prepare(world, day)
            XCTAssertEqual(try run(world, day).status, 0)
            try collectAndCheck(world, day)
        }
        removeState(world)
        try FileManager.default.copyItem(atPath: backup, toPath: statePath(world))
        let day = SimulationWorkspace.night(4)
        try prepare(world, day)
        let before = files(world)
        let refused = try run(world, day)
        assertRefused(refused, world, before: before)
        // The backup's chains end at 2; the archive's at 4.
        XCTAssertTrue(refused.errorOutput.contains("sequence 4 in"), refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("the state's last is 2"), refused.errorOutput)
        let restored = try Data(contentsOf: URL(fileURLWithPath: statePath(world)))

        let recovered = try run(world, day, ["recover"])
        XCTAssertEqual(recovered.status, 0, recovered.errorOutput)
        let aside = try FileManager.default.contentsOfDirectory(atPath: world.root.path).filter {
            $0.hasPrefix("state.db.before-recover-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm")
        }
        XCTAssertEqual(aside.count, 1, "the old state is moved aside: \(aside)")
        XCTAssertEqual(try Data(contentsOf: world.root.appendingPathComponent(aside[0])), restored, "the old state is kept as it was")

        for n in 4..<7 {
            let night = SimulationWorkspace.night(n)
            if n > 4 { try prepare(world, night) }
            let outcome = try run(world, night)
            XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
            try collectAndCheck(world, night, expectKind: n == 4 ? "FULL" : "DELTA")
        }
    }

    func testAMissingArchivedPopulationFileIsNamedAndNothingChanges() throws {
        let world = try world(seed: 53, nights: 3)
        let subscriber = world.subscribers[2].id
        let folder = world.root.appendingPathComponent("archive/\(subscriber)/population")
        let archived = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertEqual(archived.count, 3, "one applied file per night: \(archived)")
        XCTAssertTrue(archived[1].hasPrefix("00000002-"), archived[1])
        try FileManager.default.removeItem(at: folder.appendingPathComponent(archived[1]))
        removeState(world)
        let before = files(world)

        let refused = try run(world, SimulationWorkspace.night(3), ["recover"])
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("population file(s) 2 of \(subscriber) are missing"), refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("nothing was changed"), refused.errorOutput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath(world)), "a refused recover wrote a state")
        XCTAssertEqual(files(world), before)
    }

    func testRecoverKilledAtEveryStepThenRunAgainWorks() throws {
        let world = try world(seed: 54, nights: 3)
        // Emptied rather than deleted, and killed once at each of recover's steps in turn.
        removeState(world)
        XCTAssertTrue(FileManager.default.createFile(atPath: statePath(world), contents: Data()))
        let steps = FaultInjector.Step.allCases.filter { $0.rawValue.hasPrefix("recover.") }
        XCTAssertEqual(steps.count, 3)
        let day = SimulationWorkspace.night(3)
        for step in steps {
            let killed = try run(world, day, ["recover"], environment: ["PRENUM_FAULT_STEP": step.rawValue])
            XCTAssertTrue(killed.killed && killed.status == SIGKILL, "\(step): \(killed.status) \(killed.errorOutput)")
        }
        let recovered = try run(world, day, ["recover"])
        XCTAssertEqual(recovered.status, 0, recovered.errorOutput)
        for n in 3..<5 {
            let night = SimulationWorkspace.night(n)
            try prepare(world, night)
            let outcome = try run(world, night)
            XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
            try collectAndCheck(world, night, expectKind: n == 3 ? "FULL" : "DELTA")
        }
    }

    /// A run killed between an import's archive copy and its commit leaves a copy the state
    /// does not count; the state then lost, the rebuilt population holds that file once.
    func testAnImportKilledAfterItsArchiveCopyIsNotCountedTwice() throws {
        let world = try world(seed: 55, nights: 2)
        let day = SimulationWorkspace.night(2)
        try prepare(world, day)
        let killed = try run(world, day, environment: ["PRENUM_FAULT_STEP": FaultInjector.Step.importBeforeCommit.rawValue])
        XCTAssertTrue(killed.killed, killed.errorOutput)
        removeState(world)
        XCTAssertEqual(try run(world, day, ["recover"]).status, 0)
        let outcome = try run(world, day)
        XCTAssertEqual(outcome.status, 0, outcome.errorOutput)
        try collectAndCheck(world, day, expectKind: "FULL")
        let counted = try ProcessRunner.run(
            "/usr/bin/sqlite3",
            [
                statePath(world),
                "SELECT COUNT(*), COUNT(DISTINCT sha256) FROM population_file WHERE outcome = 'applied'"
            ])
        let numbers = counted.output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "|")
        XCTAssertEqual(numbers.count, 2)
        XCTAssertEqual(numbers.first, numbers.last, "an applied file counted twice: \(counted.output)")
    }

    /// How far the lost state's last publication got when it was cut off.
    private enum Cut { case afterArchive, betweenTheArchiveCopies, beforeTheSignatureCopy }

    /// The state lost while the first subscriber's file of a night was being published (one
    /// delivery worker, so the others were not reached), then recover and the next night.
    private func loseStateWhilePublishing(seed: UInt64, cut: Cut) throws -> (SimulationWorkspace, ProcessOutcome) {
        let world = try world(seed: seed, nights: 2)
        let day = SimulationWorkspace.night(2)
        try prepare(world, day)
        let first = world.subscribers[0]
        let killed = try run(
            world, day,
            environment: [
                "PRENUM_FAULT_STEP": FaultInjector.Step.deliverAfterArchive.rawValue,
                "PRENUM_FAULT_SUBSCRIBER": first.id, "PRENUM_DELIVERY_WORKERS": "1"
            ])
        XCTAssertTrue(killed.killed, killed.errorOutput)
        let archived = try XCTUnwrap(
            try FileManager.default.contentsOfDirectory(atPath: world.root.appendingPathComponent("archive/\(first.id)").path)
                .filter { $0.hasSuffix(".xml") }.max())
        let staging = world.outboxFolder(first).appendingPathComponent(".prenum-staging")
        switch cut {
        case .afterArchive: break
        case .betweenTheArchiveCopies:
            try FileManager.default.removeItem(at: world.root.appendingPathComponent("archive/\(first.id)/\(archived).sig"))
        case .beforeTheSignatureCopy:
            try FileManager.default.removeItem(at: world.root.appendingPathComponent("archive/\(first.id)/\(archived).sig"))
            try FileManager.default.removeItem(at: staging.appendingPathComponent("\(archived).sig.tmp"))
        }
        removeState(world)
        let recovered = try run(world, day, ["recover"])
        XCTAssertEqual(recovered.status, 0, recovered.errorOutput)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: staging.path).filter { $0.hasSuffix(".tmp") }, [])
        return (world, recovered)
    }

    /// The state lost right after a file was archived but before it was put in the outbox:
    /// recover publishes it from the archive, so no recipient sees a gap before the FULL file.
    func testAFileStagedWhenTheStateWasLostIsPublishedByRecover() throws {
        for (seed, cut) in [(56, Cut.afterArchive), (61, .betweenTheArchiveCopies)] {
            let (world, recovered) = try loseStateWhilePublishing(seed: UInt64(seed), cut: cut)
            XCTAssertTrue(recovered.output.contains("published from the archive"), "\(cut): \(recovered.output)")
            // Its date is the archive's latest: completed. The next night continues every chain.
            let day = SimulationWorkspace.night(2)
            XCTAssertTrue(try run(world, day).output.contains("already-completed"))
            let next = SimulationWorkspace.night(3)
            try prepare(world, next)
            XCTAssertEqual(try run(world, next).status, 0)
            for index in world.subscribers.indices {
                try world.collect(index, expectNew: index == 0 ? 2 : 1)
                XCTAssertTrue(world.subscribers[index].files.last?.lastPathComponent.hasSuffix("-FULL.xml") == true)
                try world.assertMirror(index, on: next)
            }
        }
    }

    /// Cut off before its signature reached the archive, the file was never visible: recover
    /// sets it aside and its sequence goes to the next file, a FULL.
    func testAFileArchivedWithoutItsSignatureIsSetAsideAndItsSequenceGivenAgain() throws {
        let (world, recovered) = try loseStateWhilePublishing(seed: 62, cut: .beforeTheSignatureCopy)
        XCTAssertFalse(recovered.output.contains("published from the archive"), recovered.output)
        let day = SimulationWorkspace.night(2)
        XCTAssertEqual(try run(world, day).status, 0)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            XCTAssertTrue(world.subscribers[index].files.last?.lastPathComponent.hasSuffix("-00000003-20260303-FULL.xml") == true)
            try world.assertMirror(index, on: day)
        }
    }

    /// The archived file at the state's own last sequence altered: the chain is not the one the
    /// state recorded, and recover refuses a file whose signature fails.
    func testAnAlteredArchivedFileStopsTheRunAndRecoverRefusesIt() throws {
        let world = try world(seed: 57, nights: 2)
        let subscriber = world.subscribers[3].id
        let archived = try FileManager.default.contentsOfDirectory(atPath: world.root.appendingPathComponent("archive/\(subscriber)").path)
            .filter { $0.hasSuffix(".xml") }.sorted()
        let tip = world.root.appendingPathComponent("archive/\(subscriber)/\(archived.last ?? "")")
        var bytes = try Data(contentsOf: tip)
        bytes.append(contentsOf: Array("<!-- -->\n".utf8))
        try bytes.write(to: tip)
        let day = SimulationWorkspace.night(2)
        try prepare(world, day)
        let refused = try run(world, day)
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("\(subscriber): sequence 2 in the archive"), refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("prenum recover"), refused.errorOutput)

        let state = try Data(contentsOf: URL(fileURLWithPath: statePath(world)))
        let recover = try run(world, day, ["recover"])
        XCTAssertEqual(recover.status, 65, recover.errorOutput)
        XCTAssertTrue(recover.errorOutput.contains("\(tip.lastPathComponent): bad signature"), recover.errorOutput)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: statePath(world))), state, "a refused recover changed the state")
    }

    /// After a key rotation the archive holds files signed with the old key: recover verifies
    /// them with the old public key given by `--public-keys`, and refuses without it.
    func testOlderPublicKeysVerifyTheArchiveAfterARotation() throws {
        let world = try world(seed: 58, nights: 2)
        let keys = world.root.appendingPathComponent("keys")
        let old = world.root.appendingPathComponent("old-keys")
        try FileManager.default.createDirectory(at: old, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: keys.appendingPathComponent("public.pem"), to: old.appendingPathComponent("2026.pem"))
        try FileManager.default.removeItem(at: keys.appendingPathComponent("private.pem"))
        try SigningKey.generate().writePEM(
            privatePath: keys.appendingPathComponent("private.pem").path,
            publicPath: keys.appendingPathComponent("public.pem").path)
        removeState(world)
        let day = SimulationWorkspace.night(2)
        let refused = try run(world, day, ["recover"])
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("--public-keys"), refused.errorOutput)
        let recovered = try run(world, day, ["recover", "--public-keys", old.path])
        XCTAssertEqual(recovered.status, 0, recovered.errorOutput)
    }

    /// Population files imported after the backup was taken (no run since): the chains agree,
    /// the populations do not, and the run stops naming the archived population file.
    func testPopulationFilesImportedAfterTheBackupStopTheRun() throws {
        let world = try world(seed: 59, nights: 2)
        let backup = world.root.appendingPathComponent("state-backup.db").path
        XCTAssertEqual(try ProcessRunner.run("/usr/bin/sqlite3", [statePath(world), ".backup '\(backup)'"]).status, 0)
        let day = SimulationWorkspace.night(2)
        try prepare(world, day)
        XCTAssertEqual(try run(world, day, ["import"]).status, 0)
        try prepare(world, day)
        XCTAssertEqual(try run(world, day, ["import"]).status, 0)
        removeState(world)
        try FileManager.default.copyItem(atPath: backup, toPath: statePath(world))
        let refused = try run(world, day)
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        XCTAssertTrue(
            refused.errorOutput.contains("\(world.subscribers[0].id): population file 4 in the archive, the state counts 2 applied"),
            refused.errorOutput)
        XCTAssertEqual(try run(world, day, ["recover"]).status, 0)
        XCTAssertEqual(try run(world, day).status, 0)
        try collectAndCheck(world, day, expectKind: "FULL")
    }

    /// A subscriber's archive lost while its outbox still holds its files: the outbox alone
    /// shows the state behind, and recover refuses to start that chain again.
    func testAnOutboxAheadOfALostArchiveIsNamed() throws {
        let world = try world(seed: 60, nights: 2)
        let subscriber = world.subscribers[4].id
        try FileManager.default.removeItem(at: world.root.appendingPathComponent("archive/\(subscriber)"))
        removeState(world)
        let day = SimulationWorkspace.night(2)
        let refused = try run(world, day)
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        XCTAssertTrue(
            refused.errorOutput.contains("\(subscriber): the state is new or empty, the archive and outbox hold sequences up to 2"),
            refused.errorOutput)
        let recover = try run(world, day, ["recover"])
        XCTAssertEqual(recover.status, 65, recover.errorOutput)
        XCTAssertTrue(
            recover.errorOutput.contains("\(subscriber)-00000001-20260301-FULL.xml is in the outbox but not in the archive"),
            recover.errorOutput)
        XCTAssertFalse(FileManager.default.fileExists(atPath: statePath(world)))
    }
}
