import Foundation
import PrenumSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumCore

/// A full disk is 73 wherever it strikes (SPEC section 5): the mapping from a SQLite error to
/// an exit code is one function, and the run's failure event and metrics take theirs from it.
final class FailureExitCodeTests: XCTestCase {
    private let writeFull = SQLiteError(
        resultCode: .ioErrWrite, systemErrno: ENOSPC, message: "disk I/O error",
        sql: "INSERT INTO delivery VALUES (?)", path: "/state/prenum.db")

    func testAFullDiskFromSQLiteIs73WhateverTheFileIs() {
        for error in [writeFull, SQLiteError(resultCode: .full, message: "database or disk is full")] {
            XCTAssertEqual(ExitCode.of(error), .cannotCreate, "\(error)")
            XCTAssertEqual(ExitCode.of(error, file: .input), .cannotCreate, "\(error)")
            XCTAssertEqual(ExitCode.of(error, file: .output), .cannotCreate, "\(error)")
        }
    }

    func testAFullDiskWhileDeliveringIs73AndNamedCannotCreate() {
        // What a worker's state write throws when the disk fills mid-delivery, as the run sees it.
        let error: Error = writeFull
        XCTAssertEqual(ExitCode.of(error).rawValue, 73)
        XCTAssertEqual(RunFailureReason.of(error), "cannot-create")
    }

    func testOtherSQLiteErrorsMapByKindAndRole() {
        let readError = SQLiteError(resultCode: .ioErr, extendedResultCode: .ioErrRead, systemErrno: EIO, message: "disk I/O error")
        XCTAssertEqual(ExitCode.of(readError), .dataError, "a failing disk is not a full one")
        XCTAssertEqual(ExitCode.of(SQLiteError(resultCode: .busy, message: "database is locked")), .temporaryFailure)
        XCTAssertEqual(ExitCode.of(SQLiteError(resultCode: .notADatabase, message: "file is not a database")), .dataError)
        let cantOpen = SQLiteError(resultCode: .cantOpen, message: "unable to open database file")
        XCTAssertEqual(ExitCode.of(cantOpen, file: .input), .noInput)
        XCTAssertEqual(ExitCode.of(cantOpen, file: .output), .cannotCreate)
        XCTAssertEqual(ExitCode.of(cantOpen), .dataError)
    }

    func testPrenumsOwnFileThatCannotBeWrittenIs73() {
        // The state database: a migration on a read-only file or a failing disk cannot write its output.
        let readOnly = SQLiteError(resultCode: .readOnly, message: "attempt to write a readonly database")
        let readError = SQLiteError(resultCode: .ioErr, extendedResultCode: .ioErrRead, systemErrno: EIO, message: "disk I/O error")
        for error in [readOnly, readError] {
            XCTAssertEqual(ExitCode.of(error, file: .output), .cannotCreate, "\(error)")
            XCTAssertEqual(ExitCode.of(error, file: .input), .dataError, "\(error)")
        }
        let corrupt = SQLiteError(resultCode: .corrupt, message: "database disk image is malformed")
        XCTAssertEqual(ExitCode.of(corrupt, file: .output), .dataError, "a damaged state is bad data, restored from backup")
    }

    /// A state that needs migrating while another process holds its write lock (a second run
    /// started by hand, a backup tool) is a temporary failure to retry, not bad data, and the
    /// migration happens on the next open.
    func testAMigrationBehindAnotherWritersLockIs75AndHappensLater() throws {
        let folder = try TemporaryFolder("prenum-migration-busy")
        let path = folder.url.appendingPathComponent("state.db").path
        _ = try StateDatabase(path: path)
        let behind = StateDatabase.currentVersion - 1
        let other = try Database(path: path, mode: .readWrite(create: false))
        // Undo the last migration's one row, so that it can run again.
        try other.execute("DELETE FROM meta WHERE key = 'disclosure_recent_pairs'; PRAGMA user_version = \(behind)")
        try other.execute("BEGIN IMMEDIATE")
        XCTAssertThrowsError(try StateDatabase(path: path)) { error in
            XCTAssertEqual(ExitCode.of(error), .temporaryFailure, "\(error)")
            XCTAssertTrue("\(error)".contains("migration to version"), "\(error)")
        }
        try other.execute("ROLLBACK")
        XCTAssertEqual(try other.scalarInt("PRAGMA user_version"), Int64(behind))
        XCTAssertEqual(try StateDatabase(path: path).schemaVersion(), StateDatabase.currentVersion)
    }

    func testATypedFailureKeepsItsOwnCode() {
        XCTAssertEqual(ExitCode.of(OperationFailure(.configuration, "bad")), .configuration)
        XCTAssertEqual(ExitCode.of(NSError(domain: NSPOSIXErrorDomain, code: Int(ENOSPC))), .cannotCreate)
    }
}
