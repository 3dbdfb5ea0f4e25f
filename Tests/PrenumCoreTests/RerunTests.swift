import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// `prenum rerun`: past files come back byte for byte under their names, into the current
/// outbox, and a damaged archive or a conflicting outbox file publishes nothing.
final class RerunTests: XCTestCase {
    func rerun(_ world: SimulationWorkspace, _ id: String, _ from: Int, _ to: Int, dryRun: Bool = false) throws -> RerunReport {
        try Rerun(configuration: try ConfigurationLoader.load(path: world.configPath), log: world.makeLog())
            .execute(subscriber: id, from: SimulationWorkspace.night(from), to: SimulationWorkspace.night(to), dryRun: dryRun)
    }

    /// Every `.xml` and `.sig` directly in the folder, with its bytes.
    func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where name.hasSuffix(".xml") || name.hasSuffix(".sig")
        {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    func deletePairs(_ files: [URL]) throws {
        for url in files {
            try FileManager.default.removeItem(at: url)
            try FileManager.default.removeItem(atPath: url.path + ".sig")
        }
    }

    func testRerunRestoresDeletedFilesByteForByteIntoTheMovedOutbox() throws {
        let world = try SimulationWorkspace.afterNights(seed: 3131, nights: 6)
        // enf-c has an outbox override; move it once more, as a subscriber changing provider would.
        let index = 2
        let oldFolder = world.outboxFolder(world.subscribers[index])
        let saved = try snapshot(oldFolder)
        XCTAssertEqual(saved.count, 12)
        world.subscribers[index].outbox = "../moved/enf-c-new-provider"
        try world.writeConfiguration()
        let newFolder = world.outboxFolder(world.subscribers[index])

        let report = try rerun(world, "enf-c", 1, 3)
        XCTAssertEqual(report.entries.map(\.sequence), [2, 3, 4])
        XCTAssertTrue(report.entries.allSatisfy { $0.signature == .published && $0.data == .published })
        let published = try snapshot(newFolder)
        XCTAssertEqual(
            Set(published.keys),
            Set(
                world.deliveredFiles(index).filter { name in
                    report.entries.contains { $0.fileName == name.lastPathComponent }
                }.flatMap { [$0.lastPathComponent, $0.lastPathComponent + ".sig"] }))
        for (name, bytes) in published { XCTAssertEqual(bytes, saved[name], "\(name) differs from the original") }
        XCTAssertEqual(try snapshot(oldFolder), saved, "the old outbox must not be touched")

        // Delete some of the re-published files and rerun a wider window: only those come back.
        try deletePairs([newFolder.appendingPathComponent(report.entries[1].fileName)])
        try FileManager.default.removeItem(at: newFolder.appendingPathComponent(report.entries[2].fileName))
        let again = try rerun(world, "enf-c", 0, 5)
        XCTAssertEqual(again.entries.count, 6)
        XCTAssertEqual(again.entries.filter { $0.data == .published }.map(\.sequence), [1, 3, 4, 5, 6])
        XCTAssertEqual(again.entries.filter { $0.signature == .alreadyPresent }.map(\.sequence), [2, 4])
        XCTAssertEqual(try snapshot(newFolder), saved)
        let staging = DeliveryPublisher.stagingFolder(outbox: newFolder.path)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? [], [], "leftovers in staging")
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(world.logLines.joined()))
        XCTAssertTrue(world.logLines.contains { $0.contains("event=rerun.file") && $0.contains("subscriber=enf-c") })
    }

    func testTamperedArchiveIsRefusedAndNothingIsPublished() throws {
        let world = try SimulationWorkspace.afterNights(seed: 3232, nights: 5, orderChanges: false)
        let files = world.deliveredFiles(0)
        try deletePairs(Array(files[1...3]))
        let before = try snapshot(world.outboxFolder(world.subscribers[0]))
        // The window's last file is the damaged one: the earlier ones must not go out either.
        let archived = world.root.appendingPathComponent("archive/ins-a/\(files[3].lastPathComponent)")
        var bytes = try Data(contentsOf: archived)
        bytes[bytes.count / 2] ^= 0x20
        try bytes.write(to: archived)
        XCTAssertThrowsError(try rerun(world, "ins-a", 1, 3)) { error in
            XCTAssertEqual((error as? any PrenumFailure)?.exitCode, .dataError)
            XCTAssertTrue("\(error)".contains(archived.path), "\(error)")
        }
        XCTAssertEqual(try snapshot(world.outboxFolder(world.subscribers[0])), before)

        // A missing archived signature is refused the same way, also in a dry run.
        try FileManager.default.removeItem(
            atPath: world.root.appendingPathComponent("archive/ins-a/\(files[1].lastPathComponent).sig").path)
        XCTAssertThrowsError(try rerun(world, "ins-a", 1, 1, dryRun: true)) { error in
            XCTAssertTrue("\(error)".contains("is missing"), "\(error)")
        }
    }

    func testConflictingOutboxFileIsNotReplaced() throws {
        let world = try SimulationWorkspace.afterNights(seed: 3333, nights: 4, orderChanges: false)
        let files = world.deliveredFiles(1)
        try deletePairs([files[0]])
        try Data("someone else's bytes".utf8).write(to: files[2])
        let outbox = world.outboxFolder(world.subscribers[1])
        let before = try snapshot(outbox)
        XCTAssertThrowsError(try rerun(world, "mun-b", 0, 3)) { error in
            XCTAssertTrue(error is DeliveryPublisher.ConflictingPublishedFile, "\(error)")
            XCTAssertEqual((error as? any PrenumFailure)?.exitCode, .dataError)
        }
        XCTAssertEqual(try snapshot(outbox), before, "nothing may be published when one name conflicts")
    }

    func testDryRunPublishesNothingAndEmptyWindowIsNotAnError() throws {
        let world = try SimulationWorkspace.afterNights(seed: 3434, nights: 3, orderChanges: false)
        let files = world.deliveredFiles(3)
        try deletePairs([files[1]])
        let outbox = world.outboxFolder(world.subscribers[3])
        let before = try snapshot(outbox)
        let dry = try rerun(world, "age-d", 0, 2, dryRun: true)
        XCTAssertEqual(dry.entries.map(\.data), [.alreadyPresent, .wouldPublish, .alreadyPresent])
        // Pairs already in place are checked, not counted as re-published (issue 13).
        XCTAssertTrue(dry.text.contains("would re-publish 1 file pair(s)") && dry.text.contains("2 already in place"), dry.text)
        XCTAssertEqual(try snapshot(outbox), before)

        let empty = try rerun(world, "age-d", 10, 12)
        XCTAssertTrue(empty.entries.isEmpty)
        XCTAssertTrue(empty.text.contains("nothing to re-publish"), empty.text)
        XCTAssertThrowsError(try rerun(world, "age-d", 2, 1)) { XCTAssertEqual(($0 as? any PrenumFailure)?.exitCode, .usage) }
        XCTAssertThrowsError(
            try Rerun(configuration: try ConfigurationLoader.load(path: world.configPath), log: world.makeLog())
                .execute(subscriber: "nobody", from: SimulationWorkspace.night(0), to: SimulationWorkspace.night(1), dryRun: false))
    }

    func testRerunCommandThroughTheBinary() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ProcessRunner.debugPrenum), "build prenum first")
        let world = try SimulationWorkspace.afterNights(seed: 3535, nights: 3, orderChanges: false)
        let files = world.deliveredFiles(4)
        let saved = try Data(contentsOf: files[1])
        try deletePairs([files[1]])
        let ok = try FaultInjectionTests.runPrenum(
            ["rerun", "--subscriber", "pen-e", "--from", "2026-03-02", "--to", "2026-03-02"], in: world.root)
        XCTAssertEqual(ok.status, 0, ok.errorOutput)
        XCTAssertEqual(try Data(contentsOf: files[1]), saved)
        XCTAssertTrue(ok.errorOutput.contains("event=rerun.end"), ok.errorOutput)

        let archived = world.root.appendingPathComponent("archive/pen-e/\(files[2].lastPathComponent).sig")
        try Data(repeating: 1, count: 64).write(to: archived)
        let refused = try FaultInjectionTests.runPrenum(
            ["rerun", "--subscriber", "pen-e", "--from", "2026-03-01", "--to", "2026-03-03"], in: world.root)
        XCTAssertEqual(refused.status, 65, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains(files[2].lastPathComponent + ".sig"), refused.errorOutput)
    }
}
