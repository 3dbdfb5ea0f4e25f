import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// `prenum status --json` must say what happened: per subscriber the sequence and last file,
/// the population, pending inbox files and refresh orders, checked against the files on disk.
final class StatusReportTests: XCTestCase {
    func status(_ world: SimulationWorkspace, json: Bool = true) throws -> (report: StatusReport?, result: ProcessOutcome) {
        let result = try FaultInjectionTests.runPrenum(["status"] + (json ? ["--json"] : []), in: world.root)
        XCTAssertEqual(result.status, 0, result.errorOutput)
        return (json ? try JSONDecoder().decode(StatusReport.self, from: Data(result.output.utf8)) : nil, result)
    }

    func testStatusJSONMatchesWhatHappened() throws {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: ProcessRunner.debugPrenum), "build prenum first")
        let world = try SimulationWorkspace.afterNights(seed: 6161, nights: 3, orderChanges: false)
        // The population as imported by the last run; the file dropped now is only pending.
        let populations = world.subscribers.map(\.population.count)
        try world.dropPopulationFile(for: 1, day: SimulationWorkspace.night(3), lines: 3)
        try world.orderRefresh("pen-e")

        let (decoded, raw) = try status(world)
        let report = try XCTUnwrap(decoded)
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(raw.output), "status shows a personnummer")
        XCTAssertEqual(report.runs.map(\.businessDate), ["2026-03-03", "2026-03-02", "2026-03-01"])
        XCTAssertTrue(report.runs.allSatisfy { $0.status == "completed" && $0.delivered == 5 && $0.failed == 0 }, "\(report.runs)")
        let journalEnd = try world.register.scalarInt("SELECT MAX(seq) FROM change_log")
        XCTAssertEqual(report.watermark, journalEnd)
        XCTAssertEqual(report.runs.first?.highWater, journalEnd)

        XCTAssertEqual(report.subscribers.map(\.id), world.subscribers.map(\.id))
        for (index, subscriber) in report.subscribers.enumerated() {
            let files = world.deliveredFiles(index)
            let last = try XCTUnwrap(files.last)
            let name = try XCTUnwrap(DeliveryFileName(parsing: last.lastPathComponent))
            let text = try String(contentsOf: last, encoding: .utf8)
            let records = text.components(separatedBy: "<case ").count - 1 + text.components(separatedBy: "<payment ").count - 1
            XCTAssertEqual(subscriber.sequence, Int64(files.count))
            XCTAssertEqual(subscriber.lastDelivery?.file, last.lastPathComponent)
            XCTAssertEqual(subscriber.lastDelivery?.sequence, name.sequence)
            XCTAssertEqual(subscriber.lastDelivery?.kind, name.kind.rawValue)
            XCTAssertEqual(subscriber.lastDelivery?.businessDate, "2026-03-03")
            XCTAssertEqual(subscriber.lastDelivery?.records, records, "\(subscriber.id): records of \(last.lastPathComponent)")
            XCTAssertEqual(subscriber.lastDelivery?.status, "published")
            XCTAssertEqual(subscriber.populationSize, populations[index], subscriber.id)
            XCTAssertEqual(subscriber.pendingInboxFiles, index == 1 ? 1 : 0, subscriber.id)
            XCTAssertEqual(subscriber.refreshPending, subscriber.id == "pen-e", subscriber.id)
            XCTAssertEqual(subscriber.watermark, journalEnd)
            XCTAssertNil(subscriber.lastFailure)
            XCTAssertTrue(subscriber.active)
        }

        let text = try status(world, json: false).result.output
        XCTAssertTrue(text.contains("mun-b"), text)
        XCTAssertTrue(text.contains("pendingFiles=1"), text)
        XCTAssertTrue(text.contains("REFRESH-PENDING"), text)
    }

    func testStatusBeforeAnyRunAndForATerminatedSubscriber() throws {
        let world = try SimulationWorkspace(seed: 6262)
        world.subscribers[3].terminatedFrom = "2020-01-01"
        try world.writeConfiguration()
        try world.dropPopulationFile(for: 0, day: SimulationWorkspace.night(0), full: true, lines: 5)
        let report = try XCTUnwrap(try status(world).report)
        XCTAssertEqual(report.runs.count, 0)
        XCTAssertEqual(report.subscribers.map(\.sequence), [0, 0, 0, 0, 0])
        XCTAssertEqual(report.subscribers.map(\.pendingInboxFiles), [1, 0, 0, 0, 0])
        XCTAssertEqual(report.subscribers.map(\.active), [true, true, true, false, true])
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: world.root.appendingPathComponent("state.db").path),
            "status must not create the state database")
    }
}
