import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The stored field encoding's version tag: state rows written before it (encoding 1, no
/// payment `registeredAt`) stay readable, and the next run's snapshot brings them to the current
/// encoding from the register, after which every delivery is exact again.
final class FieldEncodingUpgradeTests: XCTestCase {
    func testRowsStoredBeforeTheTagAreReadAndUpgradedByTheNextSnapshot() throws {
        let world = try SimulationWorkspace.collectingNights(seed: 303, nights: 3)
        let statePath = world.root.appendingPathComponent("state.db").path
        do {
            // As an installation before the tag left them: tag and registration time stripped.
            let state = try StateDatabase(path: statePath)
            for table in ["record", "record_recent"] {
                try state.database.execute(
                    """
                    UPDATE \(table) SET fields = substr(fields, 4, length(fields) - 3 - 21) WHERE entity = \(RecordKind.payment.rawValue) AND fields IS NOT NULL;
                    UPDATE \(table) SET fields = substr(fields, 4) WHERE entity = \(RecordKind.benefitCase.rawValue) AND fields IS NOT NULL;
                    """)
            }
            try state.setMeta("field_encoding_upgrade_owed", "1")
            let pnr = try XCTUnwrap(
                try state.database.scalarText("SELECT pnr FROM record WHERE entity = \(RecordKind.payment.rawValue) LIMIT 1"))
            let versions = try RecordStore(database: state.database).records(ofPerson: pnr)
            XCTAssertFalse(versions.isEmpty, "encoding-1 rows decode")
            for version in versions {
                if case .payment(let fields) = version.body { XCTAssertNil(fields.registeredAt) }
            }
        }
        let day = SimulationWorkspace.night(3)
        try world.chaos.advance(on: day, operations: 30, &world.random)
        let report = try world.run(day)
        XCTAssertEqual(report.exitCode, .ok, "\(report.subscribers.compactMap(\.message))")
        let state = try StateDatabase(path: statePath)
        XCTAssertNil(try state.meta("field_encoding_upgrade_owed"))
        // Only payments gone from the register keep encoding 1 (their deletion is journaled).
        var untagged: [Int64] = []
        try state.database.prepare(
            "SELECT id FROM record WHERE substr(fields, 1, 1) <> char(2) AND entity = \(RecordKind.payment.rawValue)"
        )
        .forEachRow { untagged.append($0.int64(0)) }
        for id in untagged {
            XCTAssertEqual(
                try world.register.scalarInt("SELECT COUNT(*) FROM payment WHERE id = ?", [id]), 0, "payment \(id) left untagged")
        }
        XCTAssertEqual(
            try state.database.scalarInt(
                "SELECT COUNT(*) FROM record WHERE substr(fields, 1, 1) <> char(2) AND entity = \(RecordKind.benefitCase.rawValue)"), 0)
        XCTAssertGreaterThan(try state.database.scalarInt("SELECT COUNT(*) FROM record WHERE substr(fields, 1, 1) = char(2)") ?? 0, 100)
        XCTAssertTrue(world.logLines.contains { $0.contains("event=snapshot.field-encoding-upgraded") })
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: day)
        }
        try world.assertSchemaValid()
    }
}
