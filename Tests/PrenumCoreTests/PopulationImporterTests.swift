import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore

final class PopulationImporterTests: XCTestCase {
    var folder: TestFolder!
    var configuration: Configuration!
    var state: StateDatabase!
    var logLines: [String] = []
    private let logLock = NSLock()
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    static let header = "action;pnr;consent;from\n"

    override func setUpWithError() throws {
        folder = try TestFolder()
        configuration = try ConfigurationLoader.load(path: try folder.writeConfiguration(TestFolder.validRoot()))
        try configuration.prepareStateFolder()
        state = try StateDatabase(path: configuration.stateDatabase)
        logLines = []
    }

    override func tearDown() {
        state = nil
        folder = nil
    }

    // MARK: Helpers

    /// The n-th test person: distinct, valid, deterministic.
    static func pnr(_ n: Int) -> String {
        Personnummer.make(birthDate: CalendarDate(dayNumber: -2_000 + n / 900), serial: n % 900 + 1).digits
    }

    var claims: Subscriber { configuration.subscriber("claims")! }
    var muni: Subscriber { configuration.subscriber("muni")! }

    @discardableResult
    func drop(_ name: String, _ body: String, for subscriber: String = "muni", header: Bool = true) throws -> String {
        let inbox = configuration.inbox + "/" + subscriber
        try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
        let path = inbox + "/" + name
        try Data(((header ? Self.header : "") + body).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func runImport() throws -> [PopulationFileOutcome] {
        let log = EventLog { [weak self] line in
            guard let self else { return }
            self.logLock.lock()
            self.logLines.append(line)
            self.logLock.unlock()
        }
        return try PopulationImporter(state: state, configuration: configuration, log: log, lookSeconds: 0).importPending(now: now)
    }

    /// The subscription table as text rows, ordered: compares whole states.
    func subscriptionDump() throws -> [String] {
        var rows: [String] = []
        try state.database.prepare("SELECT * FROM subscription ORDER BY subscriber, pnr").forEachRow { row in
            rows.append((0..<row.columnCount).map { "\(row.value($0))" }.joined(separator: "|"))
        }
        return rows
    }

    struct Row: Equatable {
        var present: Int, consent: Int, fromDate: String?, dirty: Int
    }

    func row(_ subscriber: String, _ pnr: String) throws -> Row? {
        let statement = try state.database.prepare(
            "SELECT present, consent, from_date, dirty FROM subscription WHERE subscriber = ? AND pnr = ?")
        try statement.bind([subscriber, pnr])
        guard try statement.step() else { return nil }
        return Row(present: statement.int(0), consent: statement.int(1), fromDate: statement.optionalText(2), dirty: statement.int(3))
    }

    func count(_ sql: String, _ arguments: [SQLiteBindable] = []) throws -> Int {
        Int(try state.database.scalarInt(sql, arguments) ?? -1)
    }

    func receipt(_ subscriber: Subscriber, _ name: String) throws -> [String: Any] {
        let path = subscriber.outboxFolder(in: configuration) + "/receipts/" + name
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func fileSize(_ path: String) throws -> Int {
        try XCTUnwrap(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
    }

    func inboxContents(_ subscriber: String) -> Set<String> {
        Set(FileManager.default.subpaths(atPath: configuration.inbox + "/" + subscriber) ?? [])
    }

    /// `sha256sum`, as the independent other side of the hash the importer records.
    func sha256sum(_ path: String) throws -> String {
        let output = try TestFolder.runTool("/usr/bin/sha256sum", [path]).1
        return output.split(separator: " ").first.map(String.init) ?? ""
    }

    // MARK: Applying

    func testAcceptedFileIsAppliedMovedAndReceipted() throws {
        let p1 = Self.pnr(1), p2 = Self.pnr(2), p3 = Self.pnr(3)
        try drop("2026-11-01.csv", "ADD;\(p1);;\nADD;\(p2);Y;2026-01-01\nREMOVE;\(p3);;\n")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.accepted])
        XCTAssertEqual(outcomes[0].counts, PopulationCounts(lines: 3, added: 2, notSubscribed: 1))
        XCTAssertEqual(try row("muni", p1), Row(present: 1, consent: 0, fromDate: nil, dirty: 1))
        XCTAssertEqual(try row("muni", p2), Row(present: 1, consent: 1, fromDate: "2026-01-01", dirty: 1))
        XCTAssertNil(try row("muni", p3))
        XCTAssertEqual(inboxContents("muni"), ["processed", "processed/2026-11-01.csv"])

        let processedPath = configuration.inbox + "/muni/processed/2026-11-01.csv"
        let sha = try sha256sum(processedPath)
        XCTAssertEqual(outcomes[0].sha256, sha)
        let receipt = try receipt(muni, "2026-11-01.csv.receipt.json")
        XCTAssertEqual(receipt["outcome"] as? String, "accepted")
        XCTAssertEqual(receipt["sha256"] as? String, sha)
        XCTAssertEqual(receipt["subscriber"] as? String, "muni")
        XCTAssertEqual(receipt["processedAt"] as? String, "2026-09-21T14:13:20Z")
        let counts = try XCTUnwrap(receipt["counts"] as? [String: Int])
        XCTAssertEqual(counts["added"], 2)
        XCTAssertEqual(counts["notSubscribed"], 1)
        XCTAssertEqual(counts["lines"], 3)
        XCTAssertEqual(
            try count(
                "SELECT count(*) FROM population_file WHERE outcome = 'applied' AND sha256 = ? AND bytes = ? AND added = 2 AND lines = 3",
                [sha, try fileSize(processedPath)]), 1)
        // Files and folders the importer made are not world-readable.
        let attributes = try FileManager.default.attributesOfItem(
            atPath: muni.outboxFolder(in: configuration) + "/receipts/2026-11-01.csv.receipt.json")
        XCTAssertEqual((attributes[.posixPermissions] as? Int).map { $0 & 0o007 }, 0)
    }

    func testHistoryRecordsAddedChangedAndRemovedOnlyForRealChanges() throws {
        let p1 = Self.pnr(1)
        try drop("a.csv", "ADD;\(p1);;\n")
        try drop("b.csv", "ADD;\(p1);;\nADD;\(p1);Y;2026-05-01\n")
        try drop("c.csv", "REMOVE;\(p1);;\nREMOVE;\(p1);;\nADD;\(p1);;\n")
        let outcomes = try runImport()
        XCTAssertEqual(
            outcomes.map(\.counts),
            [
                PopulationCounts(lines: 1, added: 1),
                PopulationCounts(lines: 2, updated: 1, unchanged: 1),
                PopulationCounts(lines: 3, added: 1, removed: 1, notSubscribed: 1)
            ])
        var events: [String] = []
        try state.database.prepare(
            """
            SELECT f.file_name, e.event, e.consent, coalesce(e.from_date, '-') FROM population_event e
            JOIN population_file f ON f.id = e.file_id WHERE e.subscriber = 'muni' AND e.pnr = ? ORDER BY e.id
            """
        ).forEachRow([p1]) { row in events.append("\(row.text(0)) \(row.text(1)) \(row.int(2)) \(row.text(3))") }
        XCTAssertEqual(events, ["a.csv added 0 -", "b.csv changed 1 2026-05-01", "c.csv removed 1 2026-05-01", "c.csv added 0 -"])
    }

    func testFilesAreTakenInByteWiseNameOrder() throws {
        let p1 = Self.pnr(1)
        // "B" (0x42) sorts before "a" (0x61): add first, then remove.
        try drop("a-remove.csv", "REMOVE;\(p1);;\n")
        try drop("B-add.csv", "ADD;\(p1);;\n")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.fileName), ["B-add.csv", "a-remove.csv"])
        XCTAssertEqual(try row("muni", p1)?.present, 0)
    }

    func testFullFileReplacesThePopulation() throws {
        let (p1, p2, p3, p4) = (Self.pnr(1), Self.pnr(2), Self.pnr(3), Self.pnr(4))
        try drop("01.csv", "ADD;\(p1);;\nADD;\(p2);;\nADD;\(p3);Y;\n")
        try drop("02-other.csv", "ADD;\(p1);Y;\n", for: "claims")
        XCTAssertEqual(try runImport().map(\.kind), [.accepted, .accepted])

        try drop("full-2026-11.csv", "ADD;\(p2);Y;2026-02-01\nADD;\(p3);Y;\nADD;\(p4);;\n")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.accepted])
        XCTAssertEqual(outcomes[0].counts, PopulationCounts(lines: 3, added: 1, removed: 1, updated: 1, unchanged: 1))
        XCTAssertEqual(try row("muni", p1)?.present, 0)
        XCTAssertEqual(try row("muni", p2), Row(present: 1, consent: 1, fromDate: "2026-02-01", dirty: 1))
        XCTAssertEqual(try row("muni", p3)?.present, 1)
        XCTAssertEqual(try row("muni", p4)?.present, 1)
        // Another subscriber's population is not touched.
        XCTAssertEqual(try row("claims", p1)?.present, 1)
        XCTAssertEqual(try PopulationSummary(state: state).populationSizes(), ["muni": 3, "claims": 1])

        // A full file with only the header empties the population.
        try drop("full-empty.csv", "")
        XCTAssertEqual(try runImport().first?.counts.removed, 3)
        XCTAssertEqual(try PopulationSummary(state: state).populationSizes(), ["claims": 1])
    }

    func testDirtyIsRaisedOnlyWhenTheImportedSideDiffersFromTheDelivered() throws {
        let (p1, p2) = (Self.pnr(1), Self.pnr(2))
        try drop("a.csv", "ADD;\(p1);;2026-01-01\nADD;\(p2);;\n")
        _ = try runImport()
        // What the delivery engine does after delivering: both sides equal, clean.
        try state.database.execute(
            """
            UPDATE subscription SET delivered_present = present, delivered_consent = consent, delivered_from_date = from_date, dirty = 0
            """)
        try drop("b.csv", "ADD;\(p1);;2026-01-01\nADD;\(p2);;2026-03-01\n")
        _ = try runImport()
        XCTAssertEqual(try row("muni", p1)?.dirty, 0, "an unchanged person must stay clean")
        XCTAssertEqual(try row("muni", p2)?.dirty, 1)
        // The delivered side is the delivery engine's: the import never writes it.
        XCTAssertEqual(
            try count(
                "SELECT count(*) FROM subscription WHERE delivered_present = 1 AND delivered_consent = 0 AND delivered_from_date IS ? AND pnr = ?",
                [SQLiteValue.null, p2]), 1)
    }

    // MARK: Rejecting

    func testOneBadLineAmongTenThousandGoodOnesChangesNothing() throws {
        try drop("00-base.csv", (0..<50).map { "ADD;\(Self.pnr($0));;\n" }.joined())
        XCTAssertEqual(try runImport().map(\.kind), [.accepted])
        let before = try subscriptionDump()
        let eventsBefore = try count("SELECT count(*) FROM population_event")

        var body = ""
        for n in 0..<10_000 {
            if n == 5_000 { body += "ADD;\(Self.pnr(99_999).dropLast())0;;\n".replacingOccurrences(of: "0;;", with: "X;;") }
            body += n % 4 == 0 ? "REMOVE;\(Self.pnr(n));;\n" : "ADD;\(Self.pnr(n + 100));Y;2026-01-01\n"
        }
        try drop("01-big.csv", body)
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.rejected])
        XCTAssertEqual(outcomes[0].counts.lines, 10_001)
        XCTAssertEqual(outcomes[0].counts.badLines, 1)
        XCTAssertEqual(try subscriptionDump(), before)
        XCTAssertEqual(try count("SELECT count(*) FROM population_event"), eventsBefore)
        XCTAssertEqual(try count("SELECT count(*) FROM population_file WHERE outcome = 'rejected' AND bad_lines = 1 AND lines = 10001"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM population_file WHERE outcome = 'applied'"), 1)

        let report = try String(contentsOfFile: configuration.inbox + "/muni/rejected/01-big.csv.report.txt", encoding: .utf8)
        let listed = report.split(separator: "\n").filter { $0.hasPrefix("line ") }
        XCTAssertEqual(listed, ["line 5002: personnummer must contain digits only"])
        XCTAssertEqual(
            inboxContents("muni"),
            ["processed", "processed/00-base.csv", "rejected", "rejected/01-big.csv", "rejected/01-big.csv.report.txt"])
        let receipt = try receipt(muni, "01-big.csv.receipt.json")
        XCTAssertEqual(receipt["outcome"] as? String, "rejected")
        XCTAssertEqual(receipt["report"] as? String, "01-big.csv.report.txt")
        XCTAssertEqual((receipt["counts"] as? [String: Int])?["badLines"], 1)
    }

    func testConsentPurposeRefusesLinesWithoutConsent() throws {
        let (p1, p2) = (Self.pnr(1), Self.pnr(2))
        let body = "ADD;\(p1);Y;\nADD;\(p2);;\nREMOVE;\(p1);;\n"
        try drop("orders.csv", body, for: "claims")
        try drop("orders.csv", body, for: "muni")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map { "\($0.subscriber) \($0.kind)" }, ["claims rejected", "muni accepted"])
        XCTAssertNil(try row("claims", p1))
        let report = try String(contentsOfFile: configuration.inbox + "/claims/rejected/orders.csv.report.txt", encoding: .utf8)
        XCTAssertTrue(report.contains("line 3: consent is required for the purpose claims"), report)
        XCTAssertFalse(report.contains("line 2:"))
        XCTAssertFalse(report.contains("line 4:"), "a REMOVE needs no consent")
    }

    func testEveryBadLineIsListedInTheReportAndNothingIsApplied() throws {
        let p = Self.pnr(1)
        let bad = "ADD;\(p);Y\nPUT;\(p);;\nADD;\(p.dropLast());;\nADD;\(p);N;\nADD;\(p);;2026-13-01\n\n"
        try drop("bad.csv", bad)
        try drop("header.csv", "act;pnr\n", header: false)
        try drop("empty.csv", "", header: false)
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.rejected, .rejected, .rejected])
        let reject = configuration.inbox + "/muni/rejected/"
        let report = try String(contentsOfFile: reject + "bad.csv.report.txt", encoding: .utf8)
        for expected in [
            "line 2: expected 4 fields", "line 3: the action must be ADD or REMOVE", "line 4: personnummer must have 12 digits",
            "line 5: the consent field must be Y or empty", "line 6: the from-date", "line 7: the line is empty"
        ] {
            XCTAssertTrue(report.contains(expected), "missing \(expected) in\n\(report)")
        }
        XCTAssertTrue(
            try String(contentsOfFile: reject + "header.csv.report.txt", encoding: .utf8).contains("line 1: the first line must be exactly")
        )
        XCTAssertTrue(try String(contentsOfFile: reject + "empty.csv.report.txt", encoding: .utf8).contains("line 1: the file is empty"))
        XCTAssertEqual(try count("SELECT count(*) FROM subscription"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM population_file WHERE outcome = 'rejected'"), 3)
    }

    func testReportListsAtMostTenThousandLinesAndCountsTheRest() throws {
        try drop("many.csv", String(repeating: "ADD;1;;\n", count: 10_005))
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.first?.counts.badLines, 10_005)
        let report = try String(contentsOfFile: configuration.inbox + "/muni/rejected/many.csv.report.txt", encoding: .utf8)
        XCTAssertEqual(report.split(separator: "\n").filter { $0.hasPrefix("line ") }.count, 10_000)
        XCTAssertTrue(report.contains("and 5 more bad lines"))
        XCTAssertTrue(report.contains("line 10001:"))
        XCTAssertFalse(report.contains("line 10002:"))
    }

    // MARK: Duplicates and crashes

    func testTheSameBytesDeliveredTwiceAreAppliedOnce() throws {
        let p1 = Self.pnr(1)
        let add = "ADD;\(p1);;\n"
        try drop("1-add.csv", add)
        try drop("2-remove.csv", "REMOVE;\(p1);;\n")
        try drop("3-add-again.csv", add)
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.accepted, .accepted, .duplicate])
        XCTAssertEqual(try row("muni", p1)?.present, 0, "the duplicate must not add the person again")
        XCTAssertEqual(try count("SELECT count(*) FROM population_file WHERE outcome = 'applied'"), 2)
        XCTAssertEqual(try count("SELECT count(*) FROM population_file WHERE outcome = 'duplicate' AND file_name = '3-add-again.csv'"), 1)
        XCTAssertEqual(try count("SELECT count(*) FROM population_event"), 2)
        let duplicate = try receipt(muni, "3-add-again.csv.receipt.json")
        XCTAssertEqual(duplicate["outcome"] as? String, "duplicate")
        XCTAssertEqual((duplicate["appliedAs"] as? [String: String])?["file"], "1-add.csv")
        XCTAssertTrue(inboxContents("muni").contains("processed/3-add-again.csv"))

        // The same name again, same bytes: also a duplicate; the receipt and the moved file get suffixes.
        try drop("1-add.csv", add)
        XCTAssertEqual(try runImport().map(\.kind), [.duplicate])
        XCTAssertTrue(inboxContents("muni").isSuperset(of: ["processed/1-add.csv", "processed/1-add.csv.2"]))
        XCTAssertEqual(try receipt(muni, "1-add.csv.2.receipt.json")["outcome"] as? String, "duplicate")
        XCTAssertEqual(try receipt(muni, "1-add.csv.receipt.json")["outcome"] as? String, "accepted")
    }

    /// A crash after the state commit and the receipt, before the move: the next import
    /// only finishes the move, applying and receipting nothing twice.
    func testAnImportInterruptedAfterItsCommitIsFinishedNotRepeated() throws {
        let p1 = Self.pnr(1)
        let path = try drop("orders.csv", "ADD;\(p1);;\n")
        _ = try runImport()
        let processed = configuration.inbox + "/muni/processed/orders.csv"
        XCTAssertEqual(rename(processed, path), 0)
        let state0 = try subscriptionDump()

        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.accepted])
        XCTAssertEqual(outcomes[0].counts.added, 1, "the counts are the original receipt's")
        XCTAssertEqual(try subscriptionDump(), state0)
        XCTAssertEqual(try count("SELECT count(*) FROM population_file"), 1)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: muni.outboxFolder(in: configuration) + "/receipts"),
            ["orders.csv.receipt.json"])
        XCTAssertEqual(inboxContents("muni"), ["processed", "processed/orders.csv"])

        // Interrupted before even the receipt: recognised by its hash, receipted as a duplicate.
        XCTAssertEqual(rename(processed, path), 0)
        try FileManager.default.removeItem(atPath: muni.outboxFolder(in: configuration) + "/receipts/orders.csv.receipt.json")
        XCTAssertEqual(try runImport().map(\.kind), [.duplicate])
        XCTAssertEqual(try subscriptionDump(), state0)
    }

    /// A failure in the middle of applying (here a trigger aborting the 3rd insert) rolls
    /// everything back and leaves the file where it was, to be applied by the next import.
    func testAFailureBeforeTheCommitLeavesTheFileUntouched() throws {
        let failing = Self.pnr(3)
        try state.database.execute(
            """
            CREATE TEMP TRIGGER fail_once BEFORE INSERT ON subscription WHEN NEW.pnr = '\(failing)'
            BEGIN SELECT RAISE(ABORT, 'simulated disk failure'); END
            """)
        let path = try drop("orders.csv", (1...5).map { "ADD;\(Self.pnr($0));;\n" }.joined())
        try drop("orders2.csv", "REMOVE;\(Self.pnr(1));;\n")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.failed], "a failed file stops the subscriber's later files")
        XCTAssertNotNil(outcomes[0].exitCode)
        XCTAssertEqual(try count("SELECT count(*) FROM subscription"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM population_file"), 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        XCTAssertEqual(inboxContents("muni"), ["orders.csv", "orders2.csv"])
        XCTAssertFalse(logLines.joined().contains(failing))

        try state.database.execute("DROP TRIGGER temp.fail_once")
        XCTAssertEqual(try runImport().map(\.kind), [.accepted, .accepted])
        XCTAssertEqual(try PopulationSummary(state: state).populationSizes(), ["muni": 4])
    }

    // MARK: Names, links and folders

    func testSymbolicLinksAreRefusedAndNotFollowed() throws {
        let outside = folder.path + "/outside.csv"
        let content = Self.header + "ADD;\(Self.pnr(1));;\n"
        try Data(content.utf8).write(to: URL(fileURLWithPath: outside))
        try FileManager.default.createDirectory(atPath: configuration.inbox + "/muni", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: configuration.inbox + "/muni/link.csv", withDestinationPath: outside)
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.rejected])
        XCTAssertNil(outcomes[0].sha256)
        XCTAssertEqual(try count("SELECT count(*) FROM subscription"), 0)
        XCTAssertEqual(try String(contentsOfFile: outside, encoding: .utf8), content, "the target is untouched")
        let moved = configuration.inbox + "/muni/rejected/link.csv"
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: moved), outside, "the link itself was moved")
        let report = try String(contentsOfFile: moved + ".report.txt", encoding: .utf8)
        XCTAssertTrue(report.contains("symbolic link"))
        XCTAssertEqual(try receipt(muni, "link.csv.receipt.json")["outcome"] as? String, "rejected")
    }

    func testUnsafeFileNamesAreRefusedUnderASafeNameAndDotFilesWait() throws {
        let body = "ADD;\(Self.pnr(1));;\n"
        try drop("bell\u{7}name.csv", body)
        try drop("..hidden", body)
        try drop(".upload-in-progress.csv", body)
        try drop("a..b.csv", body)
        try FileManager.default.createDirectory(atPath: configuration.inbox + "/muni/archive-2025", withIntermediateDirectories: true)
        XCTAssertEqual(PopulationSummary.pendingInboxFiles(for: muni, in: configuration), 2)

        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map { "\($0.fileName) \($0.kind)" }, ["a..b.csv accepted", "bell_name.csv rejected"])
        XCTAssertTrue(outcomes[1].message?.contains("control characters") ?? false)
        XCTAssertEqual(
            inboxContents("muni"),
            [
                "..hidden", ".upload-in-progress.csv", "archive-2025", "processed", "processed/a..b.csv",
                "rejected", "rejected/bell_name.csv", "rejected/bell_name.csv.report.txt"
            ])
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: muni.outboxFolder(in: configuration) + "/receipts").sorted(),
            ["a..b.csv.receipt.json", "bell_name.csv.receipt.json"])
        XCTAssertTrue(logLines.contains { $0.contains("event=population_inbox_folder_ignored") && $0.contains("folder=archive-2025") })
        XCTAssertEqual(PopulationSummary.pendingInboxFiles(for: muni, in: configuration), 0)
    }

    func testNoLogLineOrReportCarriesAPersonnummer() throws {
        let p = Self.pnr(7)
        try drop("good.csv", "ADD;\(p);;\nREMOVE;\(Self.pnr(8));;\n")
        try drop("bad.csv", "ADD;\(p);;\nADD;\(p);Q;\nADD;\(p.dropLast())0;;\nREMOVE;\(p);;2026-99-01\n", for: "claims")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.rejected, .accepted])
        XCTAssertFalse(logLines.isEmpty)
        for line in logLines {
            // EventLog masks what it is given; `[pnr]` in its output would mean the importer passed one.
            XCTAssertFalse(line.contains("[pnr]"), line)
            XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(line), line)
        }
        for outcome in outcomes {
            XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(outcome.message ?? ""))
        }
        let report = try String(contentsOfFile: configuration.inbox + "/claims/rejected/bad.csv.report.txt", encoding: .utf8)
        let reportWithoutHash = report.split(separator: "\n").filter { !$0.hasPrefix("SHA-256") }.joined(separator: "\n")
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(reportWithoutHash), report)
        XCTAssertEqual(reportWithoutHash.split(separator: "\n").filter { $0.hasPrefix("line ") }.count, 4)
    }

    func testASubscriberWithoutAnInboxFolderHasNothingPending() throws {
        XCTAssertEqual(try runImport(), [])
        XCTAssertEqual(PopulationSummary.pendingInboxFiles(for: claims, in: configuration), 0)
        XCTAssertEqual(try PopulationSummary(state: state).populationSizes(), [:])
    }
}
