import CSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumSQLite

final class ResultCodeTests: XCTestCase {
    private var directory: TemporaryFolder!

    override func setUpWithError() throws {
        directory = try TemporaryFolder("prenum-sqlite-tests")
    }

    override func tearDown() {
        directory.remove()
    }

    func testNamedCodesAreSQLitesNumbers() {
        XCTAssertEqual(ResultCode.full.rawValue, SQLITE_FULL)
        XCTAssertEqual(ResultCode.notADatabase.rawValue, SQLITE_NOTADB)
        XCTAssertEqual(ResultCode.ioErrWrite.rawValue, SQLITE_IOERR | (3 << 8))
        XCTAssertEqual(ResultCode.ioErrFsync.rawValue, SQLITE_IOERR | (4 << 8))
        XCTAssertEqual(ResultCode.constraintUnique.rawValue, SQLITE_CONSTRAINT | (8 << 8))
        XCTAssertEqual(ResultCode.constraintNotNull.rawValue, SQLITE_CONSTRAINT | (5 << 8))
        XCTAssertEqual(ResultCode.busySnapshot.rawValue, SQLITE_BUSY | (2 << 8))
        XCTAssertEqual(ResultCode.ioErrWrite.primary, .ioErr)
        XCTAssertTrue(ResultCode.ioErr.isPrimary)
        XCTAssertFalse(ResultCode.ioErrWrite.isPrimary)
        XCTAssertTrue(ResultCode.full.description.contains("full"), ResultCode.full.description)
    }

    func testAPrimaryCodeMatchesEveryExtendedCodeOfItsFamilyInEitherOrder() {
        XCTAssertTrue(ResultCode.ioErrWrite ~= .ioErr)
        XCTAssertTrue(ResultCode.ioErr ~= .ioErrWrite)
        XCTAssertTrue(ResultCode.ioErr ~= .ioErr)
        XCTAssertTrue(ResultCode.constraintUnique ~= .constraint)
        XCTAssertFalse(ResultCode.ioErrWrite ~= .ioErrRead, "two extended codes match only when equal")
        XCTAssertFalse(ResultCode.ioErrWrite ~= .full)
        XCTAssertFalse(ResultCode.constraintUnique ~= .ioErr)
        XCTAssertFalse(ResultCode.busy ~= .locked)

        let code = ResultCode.ioErrFsync
        switch code {
        case .full: XCTFail("an fsync error is not SQLITE_FULL")
        case .ioErrWrite: XCTFail("an fsync error is not a write error")
        case .ioErr: break
        default: XCTFail("\(code) did not match its primary code")
        }
    }

    func testAnErrorMatchesByNameOnItsPrimaryAndExtendedCode() throws {
        let db = try Database(path: directory.file("t.db"), mode: .readWrite(create: true))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE)")
        try db.run("INSERT INTO t(name) VALUES ('a')")
        XCTAssertThrowsError(try db.run("INSERT INTO t(name) VALUES ('a')")) { error in
            guard let error = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
            guard case ResultCode.constraint = error.resultCode else { return XCTFail("\(error)") }
            guard case ResultCode.constraintUnique = error.extendedResultCode else { return XCTFail("\(error)") }
            XCTAssertTrue(error.extendedResultCode ~= .constraint)
            XCTAssertFalse(error.extendedResultCode ~= .constraintNotNull)
        }
    }

    func testSQLiteFullIsFull() throws {
        let db = try Database(path: directory.file("small.db"), mode: .readWrite(create: true))
        try db.execute("CREATE TABLE t(x BLOB)")
        let pages = try XCTUnwrap(db.scalarInt("PRAGMA page_count"))
        _ = try db.scalarInt("PRAGMA max_page_count=\(pages + 1)")
        XCTAssertThrowsError(try db.run("INSERT INTO t VALUES (zeroblob(1000000))")) { error in
            guard let error = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
            XCTAssertTrue(error.resultCode ~= .full, "\(error)")
            XCTAssertTrue(error.isFull, "\(error)")
        }
    }

    func testAnIOErrorIsFullOnlyWhenItsErrnoSaysNoSpace() {
        let noSpace = SQLiteError(resultCode: .ioErr, extendedResultCode: .ioErrWrite, systemErrno: ENOSPC, message: "disk I/O error")
        XCTAssertTrue(noSpace.isFull)
        XCTAssertTrue(SQLiteError(resultCode: .ioErrFsync, systemErrno: EDQUOT, message: "disk I/O error").isFull)
        XCTAssertTrue(SQLiteError(resultCode: .full, message: "database or disk is full").isFull)

        let broken = SQLiteError(resultCode: .ioErr, extendedResultCode: .ioErrRead, systemErrno: EIO, message: "disk I/O error")
        XCTAssertFalse(broken.isFull, "a failing disk is not a full one")
        XCTAssertFalse(SQLiteError(resultCode: .ioErrWrite, message: "disk I/O error").isFull, "no errno, no proof of a full disk")
        XCTAssertFalse(SQLiteError(resultCode: .corrupt, systemErrno: ENOSPC, message: "malformed").isFull)
    }

    func testAnErrorMadeFromAnExtendedCodeKeepsBoth() {
        let error = SQLiteError(resultCode: .ioErrWrite, systemErrno: ENOSPC, message: "disk I/O error", path: "/state.db")
        XCTAssertEqual(error.resultCode, .ioErr)
        XCTAssertEqual(error.extendedResultCode, .ioErrWrite)
        XCTAssertTrue(error.description.contains("No space left on device"), error.description)
    }
}
