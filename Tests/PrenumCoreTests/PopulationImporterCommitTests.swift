import Foundation
import PrenumSQLite
import XCTest

@testable import PrenumCore

/// Where the applying transaction ends and what the archive keeps: the copy made inside the
/// transaction is taken back when the commit fails, and kept once the commit has happened.
extension PopulationImporterTests {
    var populationArchive: String {
        PopulationArchive(archiveRoot: configuration.archive).folder(subscriber: "muni")
    }

    /// A commit refused by SQLite (here a deferred foreign key, checked only at COMMIT, as a
    /// full disk is only found there) leaves no state, no archive copy and the file in place.
    func testAFailedCommitTakesTheArchiveCopyBack() throws {
        try state.database.execute(
            """
            CREATE TEMP TABLE commit_guard_parent(id INTEGER PRIMARY KEY);
            CREATE TEMP TABLE commit_guard(parent INTEGER REFERENCES commit_guard_parent(id) DEFERRABLE INITIALLY DEFERRED);
            CREATE TEMP TRIGGER refuse_commit AFTER UPDATE OF archive_index ON population_file
            BEGIN INSERT INTO commit_guard(parent) VALUES (1); END;
            """)
        let path = try drop("orders.csv", "ADD;\(Self.pnr(1));;\n")
        let outcomes = try runImport()
        XCTAssertEqual(outcomes.map(\.kind), [.failed])
        XCTAssertTrue(state.database.isAutocommit, "the refused transaction is rolled back")
        XCTAssertEqual(try count("SELECT count(*) FROM population_file"), 0)
        XCTAssertEqual(try count("SELECT count(*) FROM subscription"), 0)
        XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: populationArchive)) ?? [], [])
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))

        try state.database.execute("DROP TRIGGER temp.refuse_commit")
        XCTAssertEqual(try runImport().map(\.kind), [.accepted])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: populationArchive).count, 1)
    }

    /// The commit happened, the receipt could not be written: the state says the file is
    /// applied, so its archive copy (the population's rebuild source) must stay.
    func testAFailureAfterTheCommitKeepsTheArchiveCopy() throws {
        let receipts = muni.outboxFolder(in: configuration) + "/" + PopulationReceipt.folderName
        try FileManager.default.createDirectory(atPath: (receipts as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        XCTAssertTrue(FileManager.default.createFile(atPath: receipts, contents: Data("not a folder".utf8)))
        try drop("orders.csv", "ADD;\(Self.pnr(1));;\n")
        XCTAssertEqual(try runImport().map(\.kind), [.failed])
        XCTAssertEqual(try count("SELECT count(*) FROM population_file WHERE outcome = 'applied' AND archive_index = 1"), 1)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: populationArchive).count, 1)
    }
}
