import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// A delta joins the population with the run's changes from whichever side is smaller. Both
/// orders must tell every subscriber the same thing, with and without population changes
/// pending; the mirror test sees only the order each night's sizes pick.
final class DeltaJoinOrderTests: XCTestCase {
    func testBothJoinOrdersGiveTheSameDecisions() throws {
        let world = try SimulationWorkspace(seed: 31)
        try world.writeConfiguration()
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 30) }
        XCTAssertEqual(try world.run(day).exitCode, .ok)
        var compared = (persons: 0, pending: 0)
        for night in 1...4 {
            day = day.adding(days: 1)
            try world.chaos.advance(on: day, operations: 60, &world.random)
            XCTAssertEqual(try world.run(day).exitCode, .ok)
            // The run's change set stays until the next snapshot; population files imported
            // now are pending against it.
            for index in world.subscribers.indices where night % 2 == 0 {
                try world.dropPopulationFile(for: index, day: day.adding(days: 1), lines: 5)
            }
            let configuration = try ConfigurationLoader.load(path: world.configPath)
            _ = try StandaloneImport.run(configuration: configuration, log: EventLog(sink: { _ in }))
            let state = try StateDatabase(path: configuration.stateDatabase)
            let changeRows = try state.database.scalarInt("SELECT COUNT(*) FROM record_change") ?? 0
            XCTAssertGreaterThan(changeRows, 0)
            for subscriber in configuration.subscribers {
                let profile = DeliveryProfile(
                    benefits: Set(subscriber.benefits), formatVersion: subscriber.formatVersion,
                    requiresConsent: subscriber.purpose.requiresConsent, historyDays: configuration.historyDays)
                func plan(changeRows: Int64) throws -> [String: [ChangeDecision]] {
                    var decisions: [String: [ChangeDecision]] = [:]
                    try DeltaPlanner(
                        database: state.database, subscriber: subscriber.id,
                        visibility: Visibility(profile: profile, businessDate: day), changeRows: changeRows
                    )
                    .forEachDeltaPerson { decisions[$0] = $1 }
                    return decisions
                }
                // 0 rows: the change set is the outer loop; a huge count: the population is.
                let changesOutside = try plan(changeRows: 0)
                let populationOutside = try plan(changeRows: 1 << 40)
                XCTAssertEqual(changesOutside, populationOutside, "night \(night), \(subscriber.id)")
                compared.persons += changesOutside.count
            }
            compared.pending += Int(try state.database.scalarInt("SELECT COUNT(*) FROM subscription WHERE dirty = 1") ?? 0)
        }
        XCTAssertGreaterThan(compared.persons, 20, "too few persons compared to mean anything")
        XCTAssertGreaterThan(compared.pending, 0, "no population change was pending")
    }
}
