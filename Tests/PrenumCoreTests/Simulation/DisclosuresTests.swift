import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// `prenum disclosures` against a brute-force scan of every archived file, over a long
/// simulation with population churn, order and purpose changes, refreshes and a terminated
/// subscriber: nothing missing, nothing extra, for every person.
final class DisclosuresTests: XCTestCase {
    /// What one file said about one person, as compared.
    struct Said: Hashable, CustomStringConvertible {
        let subscriber: String
        let file: String
        let records: [DisclosureReport.Record]
        let unsubscribed: Bool
        var description: String { "\(file): \(records.map { "\($0.kind) \($0.id) \($0.change)" }) unsubscribed=\(unsubscribed)" }
    }

    func testDisclosuresEqualABruteForceScanOfTheArchive() throws {
        let world = try SimulationWorkspace(seed: 1215)
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: day, full: true, lines: 30)
        }
        // Per subscriber and night: its purpose, and who was in its population after the import.
        var purposes: [String: String] = [:]
        var members: [String: Set<String>] = [:]
        let nights = 40
        for night in 0..<nights {
            if night > 0 { day = day.adding(days: 1) }
            if night == 25 { world.subscribers[1].terminatedFrom = day.description }
            try world.churnNight(day, first: night == 0)
            for subscriber in world.subscribers {
                purposes["\(subscriber.id) \(day)"] = subscriber.purpose
                members["\(subscriber.id) \(day)"] = Set(subscriber.population.keys)
            }
        }
        let lastDay = day

        // The brute force: every archived file, parsed whole, independently of Prenum's reader.
        let archive = world.root.appendingPathComponent("archive")
        var scanned: [String: Set<Said>] = [:]
        var dates: [String: String] = [:]
        var filesScanned = 0
        for subscriber in try FileManager.default.contentsOfDirectory(atPath: archive.path).sorted() {
            let folder = archive.appendingPathComponent(subscriber)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".xml") {
                let parsed = try DeliveryFileParser.parse(folder.appendingPathComponent(name))
                filesScanned += 1
                dates[name] = parsed.header["businessDate"]
                for person in parsed.persons {
                    let records = person.records.map {
                        DisclosureReport.Record(kind: $0.record.entity, id: $0.record.id, change: $0.change)
                    }
                    scanned[person.pnr, default: []].insert(Said(subscriber: subscriber, file: name, records: records, unsubscribed: false))
                }
                for pnr in parsed.unsubscribed {
                    scanned[pnr, default: []].insert(Said(subscriber: subscriber, file: name, records: [], unsubscribed: true))
                }
            }
        }
        XCTAssertEqual(filesScanned, world.subscribers.map(\.files.count).reduce(0, +), "every delivered file is archived")

        let state = try StateDatabase(path: world.root.appendingPathComponent("state.db").path)
        func reported(_ pnr: String, from: CalendarDate? = nil, to: CalendarDate? = nil) throws -> DisclosureReport {
            try DisclosureReport.gather(state: state.database, archiveRoot: archive.path, pnr: pnr, from: from, to: to)
        }
        func said(_ report: DisclosureReport) -> Set<Said> {
            Set(
                report.recipients.flatMap { recipient in
                    recipient.files.map {
                        Said(subscriber: recipient.subscriber, file: $0.name, records: $0.records, unsubscribed: $0.unsubscribed)
                    }
                })
        }
        let middle = CalendarDate("2026-03-01")!.adding(days: 12), late = CalendarDate("2026-03-01")!.adding(days: 30)
        var pairs = 0
        var unsubscribedSeen = false
        for pnr in world.chaos.persons {
            let report = try reported(pnr)
            let expected = scanned[pnr] ?? []
            let got = said(report)
            XCTAssertEqual(got.subtracting(expected).sorted { $0.file < $1.file }.map(\.description), [], "extra disclosures")
            XCTAssertEqual(expected.subtracting(got).sorted { $0.file < $1.file }.map(\.description), [], "missing disclosures")
            pairs += got.count
            unsubscribedSeen = unsubscribedSeen || got.contains { $0.unsubscribed }
            // A window of business dates keeps exactly the files made in it.
            let window = try reported(pnr, from: middle, to: late)
            XCTAssertEqual(
                said(window), expected.filter { (dates[$0.file] ?? "") >= middle.description && (dates[$0.file] ?? "") <= late.description }
            )

            for recipient in report.recipients {
                let configured = world.subscribers.first { $0.id == recipient.subscriber }
                XCTAssertEqual(recipient.name, "Simulated \(recipient.subscriber)")
                for file in recipient.files {
                    // The profile kept is the one in force when the file was made.
                    let purpose = try XCTUnwrap(purposes["\(recipient.subscriber) \(file.businessDate)"])
                    XCTAssertEqual(file.purpose, purpose, file.name)
                    // A configured legal basis (it does not change in the simulation) stands before the purpose's.
                    XCTAssertEqual(
                        file.legalBasis, try configured?.legalBasis ?? LegalBasis.byPurpose(XCTUnwrap(Purpose(rawValue: purpose))),
                        file.name)
                }
                // The periods say, for every night, whether the person was in the population.
                var night = CalendarDate("2026-03-01")!
                while night <= lastDay {
                    let inPopulation = members["\(recipient.subscriber) \(night)"]?.contains(pnr) ?? false
                    let covered = recipient.periods.contains { period in
                        period.from.prefix(10) <= night.description && (period.to.map { night.description < $0.prefix(10) } ?? true)
                    }
                    XCTAssertEqual(covered, inPopulation, "\(recipient.subscriber) \(night): periods \(recipient.periods)")
                    night = night.adding(days: 1)
                }
                XCTAssertNotNil(configured)
            }
        }
        XCTAssertGreaterThan(pairs, 200)
        XCTAssertTrue(unsubscribedSeen, "the simulation should unsubscribe someone")
        XCTAssertTrue(scanned.keys.allSatisfy { world.chaos.persons.contains($0) })

        // Every pair written with its file knows where the person's element is, and that
        // element alone is read; an offset that points elsewhere falls back to the stream.
        XCTAssertEqual(
            try state.database.scalarInt(
                "SELECT (SELECT COUNT(*) FROM disclosure WHERE offset IS NULL) + (SELECT COUNT(*) FROM disclosure_recent WHERE offset IS NULL)"
            ),
            0)
        for pnr in world.chaos.persons.prefix(10) {
            for file in try DisclosureIndex(database: state.database).files(naming: pnr) {
                let path = ArchivedDelivery.path(archiveRoot: archive.path, subscriber: file.subscriber, fileName: file.fileName)
                let offset = try XCTUnwrap(file.offset)
                XCTAssertNotNil(try ArchivedDelivery.element(path: path, pnr: pnr, at: offset), "\(file.fileName) at \(offset)")
                XCTAssertNil(try ArchivedDelivery.element(path: path, pnr: pnr, at: offset + 1))
                let streamed = try ArchivedDelivery.extract(path: path, pnr: pnr, offset: nil)
                let misplaced = try ArchivedDelivery.extract(path: path, pnr: pnr, offset: 0)
                let placed = try ArchivedDelivery.extract(path: path, pnr: pnr, offset: offset)
                XCTAssertEqual(placed.records, streamed.records)
                XCTAssertEqual(misplaced.records, streamed.records)
                XCTAssertEqual(placed.unsubscribed, streamed.unsubscribed)
            }
        }

        // The answers above read both parts of the index: pairs folded by person, and the
        // latest nights' by file. Folded whole, it says the same.
        let before = try world.chaos.persons.map { said(try reported($0)) }
        let recentPairs = try XCTUnwrap(try state.database.scalarInt("SELECT COUNT(*) FROM disclosure_recent"))
        let foldedPairs = try XCTUnwrap(try state.database.scalarInt("SELECT COUNT(*) FROM disclosure"))
        XCTAssertGreaterThan(recentPairs, 0)
        XCTAssertGreaterThan(foldedPairs, 0)
        XCTAssertEqual(try StateMeta(database: state.database).disclosureFoldedPairs(), foldedPairs)
        XCTAssertEqual(try StateMeta(database: state.database).disclosureRecentPairs(), recentPairs)
        try state.database.transaction { try DisclosureIndex(database: state.database).fold() }
        XCTAssertEqual(try state.database.scalarInt("SELECT COUNT(*) FROM disclosure_recent"), 0)
        XCTAssertEqual(try StateMeta(database: state.database).disclosureRecentPairs(), 0)
        XCTAssertEqual(try StateMeta(database: state.database).disclosureFoldedPairs(), foldedPairs + recentPairs)
        XCTAssertEqual(try world.chaos.persons.map { said(try reported($0)) }, before)

        // Rebuilt from the archive alone, the index says the same (the profile then comes
        // from the configuration, so only the files and records are compared).
        try state.database.execute(
            "DELETE FROM disclosure; DELETE FROM disclosure_recent; DELETE FROM disclosure_file; DELETE FROM disclosure_profile;")
        try StateMeta(database: state.database).setDisclosureRecentPairs(0)
        XCTAssertEqual(try reported(world.chaos.persons[0]).recipients.count, 0)
        let configuration = try ConfigurationLoader.load(path: world.configPath)
        let rebuilt = try DisclosureIndex(database: state.database).rebuild(archiveRoot: archive.path, configuration: configuration)
        XCTAssertEqual(rebuilt.filesIndexed, filesScanned)
        XCTAssertEqual(rebuilt.pairs, pairs)
        XCTAssertEqual(try StateMeta(database: state.database).disclosureRecentPairs(), Int64(pairs))
        XCTAssertEqual(try world.chaos.persons.map { said(try reported($0)) }, before)
        // A second rebuild finds everything indexed.
        let again = try DisclosureIndex(database: state.database).rebuild(archiveRoot: archive.path, configuration: configuration)
        XCTAssertEqual(again.filesIndexed, 0)
        XCTAssertEqual(again.filesAlreadyIndexed, filesScanned)
    }

    /// A held file the operator discards is forgotten by the index, before and after its pairs
    /// were folded into the person-ordered part: one range delete before; after, read back from
    /// the file when it is still there, found by a scan when it is not. Exactly its pairs go,
    /// and both parts' counts follow.
    func testForgettingADiscardedFileRemovesExactlyItsPairsFoldedOrNot() throws {
        let world = try SimulationWorkspace.afterNights(seed: 78, nights: 4)
        let archive = world.root.appendingPathComponent("archive")
        let state = try StateDatabase(path: world.root.appendingPathComponent("state.db").path)
        let index = DisclosureIndex(database: state.database)
        let meta = StateMeta(database: state.database)
        func count(_ table: String) throws -> Int64 { try XCTUnwrap(try state.database.scalarInt("SELECT COUNT(*) FROM \(table)")) }
        XCTAssertGreaterThan(try count("disclosure_recent"), 0)
        XCTAssertEqual(try meta.disclosureRecentPairs(), try count("disclosure_recent"))
        // Per person, the files naming it, as (subscriber, sequence, name).
        struct Named: Hashable { let subscriber: String, sequence: Int64, fileName: String }
        func named() throws -> [String: Set<Named>] {
            var named: [String: Set<Named>] = [:]
            for pnr in world.chaos.persons {
                named[pnr] = Set(
                    try index.files(naming: pnr).map { Named(subscriber: $0.subscriber, sequence: $0.sequence, fileName: $0.fileName) })
            }
            return named
        }
        var expected = try named()
        var pairsPerFile: [Named: Int] = [:]
        for files in expected.values { for file in files { pairsPerFile[file, default: 0] += 1 } }
        let largest = pairsPerFile.sorted { ($0.value, $0.key.fileName) > ($1.value, $1.key.fileName) }.map(\.key)
        XCTAssertGreaterThanOrEqual(largest.count, 3)
        XCTAssertGreaterThan(pairsPerFile[largest[2]] ?? 0, 1)

        func forget(_ file: Named, onDisk: Bool, folded: Bool) throws {
            let path = archive.appendingPathComponent("\(file.subscriber)/\(file.fileName)").path
            if !onDisk { try FileManager.default.removeItem(atPath: path) }
            let before = (folded: try meta.disclosureFoldedPairs(), recent: try meta.disclosureRecentPairs())
            let pairs = Int64(pairsPerFile[file] ?? 0)
            try state.database.transaction { try index.forget(subscriber: file.subscriber, sequence: file.sequence, filePath: path) }
            for pnr in expected.keys { expected[pnr]?.remove(file) }
            XCTAssertEqual(try named(), expected, "after forgetting \(file.fileName) (on disk: \(onDisk), folded: \(folded))")
            XCTAssertEqual(try meta.disclosureFoldedPairs(), before.folded - (folded ? pairs : 0))
            XCTAssertEqual(try meta.disclosureRecentPairs(), before.recent - (folded ? 0 : pairs))
            XCTAssertEqual(try meta.disclosureFoldedPairs(), try count("disclosure"))
            XCTAssertEqual(try meta.disclosureRecentPairs(), try count("disclosure_recent"))
            XCTAssertNil(
                try state.database.scalarInt(
                    "SELECT 1 FROM disclosure_file WHERE subscriber = ? AND sequence = ?", [file.subscriber, file.sequence]))
        }
        try forget(largest[2], onDisk: true, folded: false)
        try state.database.transaction { try index.fold() }
        XCTAssertEqual(try count("disclosure_recent"), 0)
        try forget(largest[0], onDisk: true, folded: true)
        try forget(largest[1], onDisk: false, folded: true)
    }

    func testAMissingArchivedFileIsAnErrorNotAShorterAnswer() throws {
        let world = try SimulationWorkspace.afterNights(seed: 77, nights: 2)
        let archive = world.root.appendingPathComponent("archive")
        let state = try StateDatabase(path: world.root.appendingPathComponent("state.db").path)
        let pnr = try XCTUnwrap(world.chaos.persons.first { !(try DisclosureIndex(database: state.database).files(naming: $0)).isEmpty })
        let file = try XCTUnwrap(try DisclosureIndex(database: state.database).files(naming: pnr).first)
        try FileManager.default.removeItem(at: archive.appendingPathComponent("\(file.subscriber)/\(file.fileName)"))
        XCTAssertThrowsError(try DisclosureReport.gather(state: state.database, archiveRoot: archive.path, pnr: pnr, from: nil, to: nil)) {
            error in
            XCTAssertEqual((error as? OperationFailure)?.exitCode, .noInput)
        }
    }
}
