import Foundation
import PrenumCrypto
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The brake on mass removals (SPEC section 4, "held"): a file that would take away much of
/// what a recipient holds for reasons from the register waits for the operator, who releases
/// it as made or discards it; ordinary nights never wait.
final class BrakeTests: XCTestCase {
    /// The fault steps only a held file reaches.
    static let faultSteps: [FaultInjector.Step] = [.deliverAfterHold, .releaseAfterStage, .releaseAfterPublish, .discardAfterCommit]

    static let penE = 4, enfC = 2, munB = 1, ageD = 3

    /// A workspace after its first night, every subscriber's first file collected.
    static func firstNight(seed: UInt64) throws -> SimulationWorkspace {
        let world = try SimulationWorkspace(seed: seed)
        world.historyDays = 90
        // The workspace's recipients hold tens of records: a floor below the default's.
        world.extraConfiguration = ["brakeMinimumRecords": 3]
        let day = SimulationWorkspace.firstNight
        for _ in 0..<400 { try world.chaos.insertPayment(on: day, &world.random) }
        for _ in 0..<100 { try world.chaos.insertCase(on: day, &world.random) }
        try world.writeConfiguration()
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 40) }
        let report = try world.run(day)
        XCTAssertEqual(report.exitCode, .ok)
        for index in world.subscribers.indices { try world.collect(index, expectNew: 1) }
        return world
    }

    /// Upstream cancels every payment of sickness and activity compensation (a batch job gone
    /// wrong): most of what the pension authority's and the enforcement authority's
    /// recipients hold, nothing the municipality and the agency order.
    static func massCancellation(_ world: SimulationWorkspace) throws {
        try world.register.run("UPDATE payment SET status = 'cancelled' WHERE benefit IN ('SA', 'AE') AND status <> 'cancelled'")
        try world.register.run("DELETE FROM benefit_case WHERE benefit IN ('SA', 'AE')")
    }

    func testMassCancellationIsHeldThenReleasedAndDiscarded() throws {
        let world = try Self.firstNight(seed: 41)
        let day1 = SimulationWorkspace.firstNight, day2 = day1.adding(days: 1), day3 = day1.adding(days: 2)
        try Self.massCancellation(world)
        let report = try world.run(day2)
        XCTAssertEqual(report.exitCode, .partialFailure, "a held file makes the run exit 1")
        let status = Dictionary(report.subscribers.map { ($0.subscriber, $0.status) }, uniquingKeysWith: { $1 })
        XCTAssertEqual(status["pen-e"], .held)
        XCTAssertEqual(status["enf-c"], .held)
        XCTAssertEqual(status["mun-b"], .delivered, "the others are delivered")
        XCTAssertEqual(status["age-d"], .delivered)
        let heldIDs = Set(report.subscribers.filter { $0.status == .held }.map(\.subscriber))
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: status[world.subscribers[index].id] == .held ? 0 : 1)
        }
        let configuration = try ConfigurationLoader.load(path: world.configPath)
        let held = try XCTUnwrap(
            try RunLedger(database: StateDatabase(path: configuration.stateDatabase).database).heldDelivery(of: "pen-e"))
        XCTAssertGreaterThan(held.removedPercent, Double(MassRemovalBrake.standard.removalPercent))
        // Not published, not archived; shown in status, metrics and the log.
        XCTAssertFalse(DurableFiles.exists(world.root.appendingPathComponent("archive/pen-e/\(held.delivery.fileName)").path))
        XCTAssertFalse(
            DurableFiles.exists(world.outboxFolder(world.subscribers[Self.penE]).appendingPathComponent(held.delivery.fileName).path))
        let statusReport = try StatusReport.gather(configuration: configuration)
        XCTAssertEqual(statusReport.subscribers.first { $0.id == "pen-e" }?.held?.sequence, held.delivery.sequence)
        XCTAssertNil(statusReport.subscribers.first { $0.id == "mun-b" }?.held)
        XCTAssertTrue(statusReport.text.contains("HELD #\(held.delivery.sequence) \(held.delivery.fileName)"), statusReport.text)
        let metrics = RunMetrics.make(report: report, configuration: configuration, finishedAt: Date(), previousSuccess: nil).prometheusText
        XCTAssertTrue(metrics.contains("prenum_subscriber_held{subscriber=\"pen-e\"} 1"), metrics)
        XCTAssertTrue(metrics.contains("prenum_subscriber_held{subscriber=\"mun-b\"} 0"), metrics)
        XCTAssertTrue(world.logLines.contains { $0.contains("event=delivery.held") && $0.contains("subscriber=pen-e") })
        let stagedBytes = try Data(
            contentsOf: URL(
                fileURLWithPath: DeliveryPublisher(archiveRoot: configuration.archive, faults: .none)
                    .paths(for: held.delivery).stagedData))

        // A run on the same date and one more night: nothing further goes to a held subscriber.
        XCTAssertEqual(try world.run(day2).outcome, .alreadyCompleted)
        let quiet = try world.run(day3)
        XCTAssertEqual(quiet.subscribers.first { $0.subscriber == "pen-e" }?.status, .held)
        XCTAssertEqual(quiet.exitCode, .partialFailure)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: heldIDs.contains(world.subscribers[index].id) ? 0 : 1)
        }

        // Release: published as made, byte for byte; the mirror then equals what is visible
        // (upstream did not change since the held file was made).
        guard
            case .released(let released) = try HeldFileDecision.release(
                configuration: configuration, subscriber: "pen-e", log: world.makeLog())
        else {
            return XCTFail("release")
        }
        XCTAssertEqual(released.fileName, held.delivery.fileName)
        try world.collect(Self.penE, expectNew: 1)
        XCTAssertEqual(try Data(contentsOf: world.subscribers[Self.penE].files.last!), stagedBytes)
        XCTAssertTrue(DurableFiles.exists(world.root.appendingPathComponent("archive/pen-e/\(held.delivery.fileName)").path))
        try world.assertMirror(Self.penE, on: day2)
        XCTAssertThrowsError(try HeldFileDecision.release(configuration: configuration, subscriber: "pen-e", log: world.makeLog()))
        // A held file whose bytes were altered is never released; discarding it still works.
        XCTAssertTrue(heldIDs.contains("ins-a"))
        let insHeld = try XCTUnwrap(
            try RunLedger(database: StateDatabase(path: configuration.stateDatabase).database).heldDelivery(of: "ins-a"))
        let insStaged = DeliveryPublisher(archiveRoot: configuration.archive, faults: .none).paths(for: insHeld.delivery).stagedData
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: insStaged))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(" ".utf8))
        try handle.close()
        XCTAssertThrowsError(try HeldFileDecision.release(configuration: configuration, subscriber: "ins-a", log: world.makeLog())) {
            error in
            XCTAssertEqual((error as? PrenumFailure)?.exitCode, .dataError)
            XCTAssertTrue(String(describing: error).contains("prenum discard --subscriber ins-a"), String(describing: error))
        }
        try world.collect(0, expectNew: 0)
        _ = try HeldFileDecision.discard(configuration: configuration, subscriber: "ins-a", log: world.makeLog())

        // Discard: the next file is a FULL under the discarded sequence, chained to the last
        // published file (collect checks sequence and previousHash).
        let enfHeld = try XCTUnwrap(
            try RunLedger(database: StateDatabase(path: configuration.stateDatabase).database).heldDelivery(of: "enf-c"))
        guard
            case .discarded(_, let next) = try HeldFileDecision.discard(
                configuration: configuration, subscriber: "enf-c", log: world.makeLog())
        else {
            return XCTFail("discard")
        }
        XCTAssertEqual(next, enfHeld.delivery.sequence)
        let paths = DeliveryPublisher(archiveRoot: configuration.archive, faults: .none).paths(for: enfHeld.delivery)
        XCTAssertFalse(DurableFiles.exists(paths.stagedData))
        let day4 = day1.adding(days: 3)
        try world.chaos.advance(on: day4, operations: 10, &world.random)
        let after = try world.run(day4)
        XCTAssertEqual(after.exitCode, .ok, "\(after.subscribers.compactMap(\.message))")
        let enf = try XCTUnwrap(after.subscribers.first { $0.subscriber == "enf-c" })
        XCTAssertEqual(enf.kind, "FULL")
        XCTAssertEqual(enf.sequence, enfHeld.delivery.sequence)
        XCTAssertEqual(enf.outline?.reason, "refresh ordered")
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: day4)
        }
        try world.assertSchemaValid()
    }

    /// Removals a subscriber's own population file asks for are never braked.
    func testPopulationRemovalsAreNotBraked() throws {
        let world = try Self.firstNight(seed: 43)
        let day2 = SimulationWorkspace.firstNight.adding(days: 1)
        world.extraConfiguration = ["brakeMinimumRecords": 1]
        // A full list of two persons: nearly everything the recipient holds goes (unsubscribed).
        try world.dropPopulationFile(for: Self.penE, day: day2, full: true, lines: 2)
        // Every person's from-date moved past every payment: the persons stay, their payments
        // are REMOVED — at the subscriber's own request.
        var lines = ["action;pnr;consent;from"]
        for (pnr, member) in world.subscribers[Self.enfC].population.sorted(by: { $0.key < $1.key }) {
            lines.append("ADD;\(pnr);\(member.consent ? "Y" : "");2027-12-31")
            world.subscribers[Self.enfC].population[pnr] = VisibilityOracle.Member(consent: member.consent, fromDate: "2027-12-31")
        }
        try Data((lines.joined(separator: "\n") + "\n").utf8)
            .write(to: world.root.appendingPathComponent("inbox/enf-c/\(day2.compact)-later-from.csv"))
        try world.writeConfiguration()
        let report = try world.run(day2)
        XCTAssertEqual(report.exitCode, .ok, "\(report.subscribers.compactMap(\.message))")
        let enf = try XCTUnwrap(report.subscribers.first { $0.subscriber == "enf-c" }?.outline)
        XCTAssertGreaterThan(enf.removedRecords, 3, "the from-dates took records away")
        XCTAssertEqual(enf.removedByRegister, 0)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: day2)
        }
    }

    /// Ordinary churn over many nights (upstream corrections, cancellations, population files)
    /// never holds a file, also with no floor on the number of records: the share decides.
    func testOrdinaryChurnIsNeverHeld() throws {
        let world = try SimulationWorkspace(seed: 47, persons: 120)
        world.extraConfiguration = ["brakeMinimumRecords": 1]
        world.historyDays = 90
        for _ in 0..<800 { try world.chaos.insertPayment(on: SimulationWorkspace.firstNight, &world.random) }
        for _ in 0..<200 { try world.chaos.insertCase(on: SimulationWorkspace.firstNight, &world.random) }
        try world.writeConfiguration()
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: SimulationWorkspace.firstNight, full: true, lines: 80)
        }
        try world.runNights(from: SimulationWorkspace.firstNight, count: 60, orderChanges: false)
        XCTAssertFalse(world.logLines.contains { $0.contains("event=delivery.held") })
    }

    func testBrakeSettingsAreValidated() throws {
        let world = try SimulationWorkspace(seed: 5)
        world.extraConfiguration = ["brakeRemovalPercent": 0, "brakeMinimumRecords": "many"]
        try world.writeConfiguration()
        XCTAssertThrowsError(try ConfigurationLoader.load(path: world.configPath)) { error in
            let text = String(describing: error)
            XCTAssertTrue(text.contains("brakeRemovalPercent") && text.contains("brakeMinimumRecords"), text)
        }
        world.extraConfiguration = ["brakeRemovalPercent": 40, "brakeMinimumRecords": 3]
        try world.writeConfiguration()
        XCTAssertEqual(try ConfigurationLoader.load(path: world.configPath).brake, MassRemovalBrake(removalPercent: 40, minimumRecords: 3))
        XCTAssertTrue(MassRemovalBrake(removalPercent: 25, minimumRecords: 3).holds(removed: 26, kept: 74))
        XCTAssertFalse(MassRemovalBrake(removalPercent: 25, minimumRecords: 3).holds(removed: 25, kept: 75))
        XCTAssertFalse(MassRemovalBrake(removalPercent: 25, minimumRecords: 30).holds(removed: 29, kept: 0))
    }
}
