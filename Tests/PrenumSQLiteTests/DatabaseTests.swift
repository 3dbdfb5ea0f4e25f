import CSQLite
import PrenumTestSupport
import XCTest

@testable import PrenumSQLite

final class DatabaseTests: XCTestCase {
    private var directory: TemporaryFolder!

    override func setUpWithError() throws {
        directory = try TemporaryFolder("prenum-sqlite-tests")
    }

    override func tearDown() {
        directory.remove()
    }

    private func makeDatabase(_ name: String = "test.db") throws -> Database {
        let db = try Database(path: directory.file(name), mode: .readWrite(create: true))
        try db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB, r REAL)")
        return db
    }

    // MARK: Opening

    func testReadWriteCreatesFileAndReadOnlySeesItsData() throws {
        let path = directory.file("created.db")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        do {
            let db = try Database(path: path, mode: .readWrite(create: true))
            try db.execute("CREATE TABLE t(x INTEGER)")
            try db.run("INSERT INTO t VALUES (?)", [7])
            XCTAssertFalse(db.isReadOnly)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        let reader = try Database(path: path, mode: .readOnly)
        XCTAssertTrue(reader.isReadOnly)
        XCTAssertEqual(try reader.scalarInt("SELECT x FROM t"), 7)
    }

    func testReadWriteWithoutCreateRefusesMissingFile() {
        XCTAssertThrowsError(try Database(path: directory.file("absent.db"), mode: .readWrite(create: false))) { error in
            XCTAssertEqual((error as? SQLiteError)?.isCannotOpen, true, "\(error)")
        }
    }

    func testReadOnlyRefusesWrites() throws {
        let path = directory.file("ro.db")
        _ = try makeDatabase("ro.db")
        let reader = try Database(path: path, mode: .readOnly)
        XCTAssertThrowsError(try reader.run("INSERT INTO t(n) VALUES (?)", [1])) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.resultCode, .readOnly, "\(error)")
        }
        XCTAssertThrowsError(try reader.execute("CREATE TABLE other(x)"))
        XCTAssertEqual(try reader.scalarInt("SELECT count(*) FROM t"), 0)
    }

    func testMissingFileReadOnlyCannotOpen() {
        let path = directory.file("missing.db")
        XCTAssertThrowsError(try Database(path: path, mode: .readOnly)) { error in
            guard let sqliteError = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
            XCTAssertTrue(sqliteError.isCannotOpen, "\(sqliteError)")
            XCTAssertEqual(sqliteError.path, path)
            XCTAssertTrue(sqliteError.description.contains(path))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a read-only open must not create the file")
    }

    func testFileThatIsNotADatabaseIsCorrupt() throws {
        let path = directory.file("notes.db")
        let text = String(repeating: "This is a text file, not a SQLite database.\n", count: 200)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        for mode in [Database.Mode.readOnly, .readWrite(create: false)] {
            XCTAssertThrowsError(try Database(path: path, mode: mode)) { error in
                guard let sqliteError = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
                XCTAssertTrue(sqliteError.isCorrupt, "\(sqliteError)")
                XCTAssertEqual(sqliteError.resultCode, .notADatabase)
                XCTAssertTrue(sqliteError.description.contains(path))
            }
        }
    }

    // MARK: Statements

    func testTypedBindingAndColumnReading() throws {
        let db = try makeDatabase()
        let insert = try db.prepare("INSERT INTO t(id, n, s, b, r) VALUES (?, ?, ?, ?, ?)")
        try insert.bind(Int64(1), at: 1)
        try insert.bind(Int64.min, at: 2)
        try insert.bind("åäö – text", at: 3)
        try insert.bind(.blob([0, 1, 2, 255]), at: 4)
        try insert.bind(.real(2.5), at: 5)
        try insert.runToCompletion()
        try insert.bind(Int64(2), at: 1)
        try insert.bind(nil as Int64?, at: 2)
        try insert.bind(nil as String?, at: 3)
        try insert.bind(.null, at: 4)
        try insert.bind(.null, at: 5)
        try insert.runToCompletion()
        try insert.execute([3, Int64.max, "", SQLiteValue.blob([]), 0.0])

        let select = try db.prepare("SELECT n, s, b, r FROM t WHERE id = ?")
        try select.bind([1])
        XCTAssertTrue(try select.step())
        XCTAssertEqual(select.columnCount, 4)
        XCTAssertEqual(select.columnName(1), "s")
        XCTAssertEqual(select.int64(0), Int64.min)
        XCTAssertEqual(select.text(1), "åäö – text")
        XCTAssertEqual(select.blob(2), [0, 1, 2, 255])
        XCTAssertEqual(select.double(3), 2.5)
        XCTAssertEqual(select.value(0), .integer(Int64.min))
        XCTAssertEqual(select.value(1), .text("åäö – text"))
        XCTAssertEqual(select.value(2), .blob([0, 1, 2, 255]))
        XCTAssertEqual(select.value(3), .real(2.5))
        XCTAssertFalse(try select.step())

        try select.bind([2])
        XCTAssertTrue(try select.step())
        for column in Int32(0)..<4 {
            XCTAssertTrue(select.isNull(column))
            XCTAssertEqual(select.value(column), .null)
        }
        XCTAssertNil(select.optionalInt64(0))
        XCTAssertNil(select.optionalText(1))
        XCTAssertEqual(select.text(1), "")
        XCTAssertEqual(select.blob(2), [])

        try select.bind([3])
        XCTAssertTrue(try select.step())
        XCTAssertEqual(select.optionalInt64(0), Int64.max)
        XCTAssertEqual(select.optionalText(1), "", "an empty string is not NULL")
        XCTAssertFalse(select.isNull(1))
        // Cross-checked with SQLite's own view of the types.
        XCTAssertEqual(try db.scalarText("SELECT typeof(n) || ',' || typeof(s) || ',' || typeof(b) FROM t WHERE id = 2"), "null,null,null")
        XCTAssertEqual(try db.scalarText("SELECT hex(b) FROM t WHERE id = 1"), "000102FF")
    }

    func testWrongArgumentCountIsRefused() throws {
        let db = try makeDatabase()
        XCTAssertThrowsError(try db.run("INSERT INTO t(n, s) VALUES (?, ?)", [1])) { error in
            XCTAssertEqual((error as? SQLiteError)?.resultCode, .range)
        }
    }

    func testCachedStatementIsResetAndUnbound() throws {
        let db = try makeDatabase()
        try db.run("INSERT INTO t(n) VALUES (?)", [1])
        try db.run("INSERT INTO t(n) VALUES (?)", [2])
        let first = try db.cached("SELECT n FROM t ORDER BY n")
        XCTAssertTrue(try first.step())
        XCTAssertEqual(first.int(0), 1)
        // Taking it again, half-stepped, starts from the first row.
        let again = try db.cached("SELECT n FROM t ORDER BY n")
        XCTAssertTrue(first === again)
        var seen: [Int] = []
        try again.forEachRow { seen.append($0.int(0)) }
        XCTAssertEqual(seen, [1, 2])
        XCTAssertEqual(db.changes, 1)
        XCTAssertEqual(db.lastInsertRowID, 2)
    }

    // MARK: Transactions

    func testTransactionCommitsWhenBodyReturns() throws {
        let db = try makeDatabase()
        let value = try db.transaction {
            try db.run("INSERT INTO t(n) VALUES (?)", [10])
            XCTAssertFalse(db.isAutocommit)
            return 5
        }
        XCTAssertEqual(value, 5)
        XCTAssertTrue(db.isAutocommit)
        let other = try Database(path: db.path, mode: .readOnly)
        XCTAssertEqual(try other.scalarInt("SELECT n FROM t"), 10)
    }

    func testTransactionRollsBackWhenBodyThrows() throws {
        struct Boom: Error {}
        let db = try makeDatabase()
        try db.run("INSERT INTO t(n) VALUES (?)", [1])
        XCTAssertThrowsError(
            try db.transaction {
                try db.run("INSERT INTO t(n) VALUES (?)", [2])
                try db.run("UPDATE t SET n = 100")
                throw Boom()
            }
        ) { XCTAssertTrue($0 is Boom) }
        XCTAssertTrue(db.isAutocommit)
        XCTAssertEqual(try db.scalarInt("SELECT group_concat(n) FROM t"), 1)
        // A failing statement inside also rolls back everything before it.
        XCTAssertThrowsError(
            try db.transaction {
                try db.run("INSERT INTO t(n) VALUES (?)", [3])
                try db.run("INSERT INTO t(id, n) VALUES (1, 4)")
            })
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testReadTransactionSeesOneSnapshotWhileAnotherConnectionCommits() throws {
        let path = directory.file("wal.db")
        let writer = try makeDatabase("wal.db")
        try writer.enableWriteAheadLog()
        try writer.run("INSERT INTO t(n) VALUES (?)", [1])
        XCTAssertEqual(try writer.scalarText("PRAGMA journal_mode"), "wal")

        let reader = try Database(path: path, mode: .readOnly)
        let (before, during, sumDuring) = try reader.readTransaction { () -> (Int64?, Int64?, Int64?) in
            let before = try reader.scalarInt("SELECT count(*) FROM t")
            try writer.transaction {
                try writer.run("INSERT INTO t(n) VALUES (?)", [2])
                try writer.run("UPDATE t SET n = n + 100")
            }
            XCTAssertEqual(try writer.scalarInt("SELECT count(*) FROM t"), 2, "the writer's commit went through")
            return (before, try reader.scalarInt("SELECT count(*) FROM t"), try reader.scalarInt("SELECT sum(n) FROM t"))
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + "-wal"))
        XCTAssertEqual(before, 1)
        XCTAssertEqual(during, 1, "the read transaction must not see a commit made after it started")
        XCTAssertEqual(sumDuring, 1)
        XCTAssertEqual(try reader.scalarInt("SELECT count(*) FROM t"), 2, "after the transaction the new state shows")
        XCTAssertEqual(try reader.scalarInt("SELECT sum(n) FROM t"), 203)
    }

    func testReadTransactionSnapshotStartsBeforeTheBodyRuns() throws {
        // The snapshot must be taken when readTransaction begins, not at the body's first
        // read: a commit between the two must stay invisible.
        let path = directory.file("wal2.db")
        let writer = try makeDatabase("wal2.db")
        try writer.enableWriteAheadLog()
        let reader = try Database(path: path, mode: .readOnly)
        let count = try reader.readTransaction { () -> Int64? in
            try writer.run("INSERT INTO t(n) VALUES (?)", [1])
            return try reader.scalarInt("SELECT count(*) FROM t")
        }
        XCTAssertEqual(count, 0)
    }

    // MARK: Errors

    func testErrorsCarryCodeMessageAndSQLButNotBoundValues() throws {
        let db = try makeDatabase()
        try db.execute("CREATE TABLE person(pnr TEXT PRIMARY KEY, age INTEGER NOT NULL)")
        let pnr = "198112189876"
        try db.run("INSERT INTO person VALUES (?, ?)", [pnr, 44])
        let sql = "INSERT INTO person VALUES (?, ?)"
        XCTAssertThrowsError(try db.run(sql, [pnr, 45])) { error in
            guard let sqliteError = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
            XCTAssertTrue(sqliteError.isConstraintViolation)
            XCTAssertEqual(sqliteError.resultCode, .constraint)
            XCTAssertEqual(sqliteError.extendedResultCode.rawValue, SQLITE_CONSTRAINT | (6 << 8), "SQLITE_CONSTRAINT_PRIMARYKEY")
            XCTAssertEqual(sqliteError.sql, sql)
            XCTAssertTrue(sqliteError.message.contains("UNIQUE constraint failed"), sqliteError.message)
            XCTAssertTrue(sqliteError.description.contains(sql))
            XCTAssertTrue(sqliteError.description.contains("UNIQUE constraint failed"))
            XCTAssertFalse(sqliteError.description.contains(pnr), sqliteError.description)
            XCTAssertFalse(sqliteError.description.contains("811218"), sqliteError.description)
            XCTAssertFalse(String(reflecting: sqliteError).contains(pnr))
        }
        XCTAssertThrowsError(try db.run(sql, [pnr + "0", nil as Int64?])) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.extendedResultCode.rawValue, SQLITE_CONSTRAINT | (5 << 8), "SQLITE_CONSTRAINT_NOTNULL")
            XCTAssertEqual(sqliteError?.description.contains(pnr), false)
        }
    }

    func testBadSQLNamesTheStatement() throws {
        let db = try makeDatabase()
        let sql = "SELEC n FROM t"
        XCTAssertThrowsError(try db.prepare(sql)) { error in
            guard let sqliteError = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
            XCTAssertEqual(sqliteError.resultCode, .error)
            XCTAssertEqual(sqliteError.sql, sql)
            XCTAssertTrue(sqliteError.message.contains("syntax error"), sqliteError.message)
            XCTAssertFalse(sqliteError.isConstraintViolation || sqliteError.isBusy || sqliteError.isCorrupt)
        }
        XCTAssertThrowsError(try db.execute("CREATE TABLE t(x)")) { error in
            let sqliteError = error as? SQLiteError
            XCTAssertEqual(sqliteError?.sql, "CREATE TABLE t(x)")
            XCTAssertEqual(sqliteError?.message.contains("already exists"), true)
        }
        XCTAssertThrowsError(try db.scalarInt("SELECT missing FROM t")) { error in
            XCTAssertEqual((error as? SQLiteError)?.message.contains("missing"), true)
        }
    }

    func testBusyWhenAnotherConnectionHoldsTheWriteLock() throws {
        let path = directory.file("busy.db")
        let holder = try makeDatabase("busy.db")
        let waiter = try Database(path: path, mode: .readWrite(create: false), busyTimeoutMilliseconds: 20)
        try holder.execute("BEGIN IMMEDIATE")
        try holder.run("INSERT INTO t(n) VALUES (?)", [1])
        XCTAssertThrowsError(try waiter.run("INSERT INTO t(n) VALUES (?)", [2])) { error in
            guard let sqliteError = error as? SQLiteError else { return XCTFail("not a SQLiteError: \(error)") }
            XCTAssertTrue(sqliteError.isBusy, "\(sqliteError)")
            XCTAssertEqual(sqliteError.resultCode, .busy)
        }
        XCTAssertThrowsError(try waiter.transaction { try waiter.run("INSERT INTO t(n) VALUES (?)", [3]) }) { error in
            XCTAssertEqual((error as? SQLiteError)?.isBusy, true)
        }
        XCTAssertTrue(waiter.isAutocommit)
        try holder.execute("COMMIT")
        try waiter.run("INSERT INTO t(n) VALUES (?)", [2])
        XCTAssertEqual(try waiter.scalarInt("SELECT sum(n) FROM t"), 3)
    }
}

final class ConnectionClockTests: XCTestCase {
    func testNowFollowsTheClockOnlyOnItsConnections() throws {
        let directory = try TemporaryFolder("prenum-sqlite-tests")
        defer { directory.remove() }
        let clock = try ConnectionClock(unixSeconds: 1_793_000_000)
        let db = try Database(path: directory.file("clock.db"), mode: .readWrite(create: true), clock: clock)
        // 1793000000 s after the epoch, computed independently: 2026-10-26T07:33:20Z.
        XCTAssertEqual(try db.scalarText("SELECT strftime('%Y-%m-%dT%H:%M:%SZ','now')"), "2026-10-26T07:33:20Z")
        clock.unixSeconds = 0
        XCTAssertEqual(try db.scalarText("SELECT datetime('now')"), "1970-01-01 00:00:00")
        XCTAssertEqual(clock.unixSeconds, 0)
        // A file written through the clock's VFS is an ordinary database (WAL included).
        try db.enableWriteAheadLog()
        try db.execute("CREATE TABLE t(at TEXT DEFAULT (datetime('now')))")
        try db.execute("INSERT INTO t DEFAULT VALUES")
        let plain = try Database(path: db.path, mode: .readOnly)
        XCTAssertEqual(try plain.scalarText("SELECT at FROM t"), "1970-01-01 00:00:00")
        let systemYear = try plain.scalarInt("SELECT CAST(strftime('%Y','now') AS INTEGER)") ?? 0
        XCTAssertGreaterThan(systemYear, 2000, "other connections keep the real clock")
    }

    func testTwoClocksAreIndependent() throws {
        let first = try ConnectionClock(unixSeconds: 86_400)
        let second = try ConnectionClock(unixSeconds: 2 * 86_400)
        XCTAssertNotEqual(first.vfsName, second.vfsName)
        let a = try Database(path: ":memory:", mode: .readWrite(create: true), clock: first)
        let b = try Database(path: ":memory:", mode: .readWrite(create: true), clock: second)
        XCTAssertEqual(try a.scalarText("SELECT date('now')"), "1970-01-02")
        XCTAssertEqual(try b.scalarText("SELECT date('now')"), "1970-01-03")
    }
}

final class TransactionEndTests: XCTestCase {
    private func database() throws -> Database {
        let db = try Database(path: ":memory:", mode: .readWrite(create: true))
        try db.execute("CREATE TABLE t(n INTEGER)")
        return db
    }

    func testTheBodyCanRollBackAndStillReturnItsValue() throws {
        let db = try database()
        let found = try db.inTransaction { () throws -> TransactionEnd<String> in
            try db.run("INSERT INTO t(n) VALUES (1)")
            return .rollback("changed while read")
        }
        XCTAssertEqual(found, "changed while read")
        XCTAssertTrue(db.isAutocommit)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
    }

    func testTheBodyCanCommit() throws {
        let db = try database()
        let rows = try db.inTransaction(.immediate) { () throws -> TransactionEnd<Int> in
            try db.run("INSERT INTO t(n) VALUES (1)")
            return .commit(db.changes)
        }
        XCTAssertEqual(rows, 1)
        XCTAssertTrue(db.isAutocommit)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 1)
    }

    func testABodyThatThrowsRollsBack() throws {
        struct Refused: Error {}
        let db = try database()
        XCTAssertThrowsError(
            try db.inTransaction { () throws -> TransactionEnd<Void> in
                try db.run("INSERT INTO t(n) VALUES (1)")
                throw Refused()
            }
        ) { XCTAssertTrue($0 is Refused) }
        XCTAssertTrue(db.isAutocommit)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
    }

    /// A commit SQLite refuses (a deferred foreign key is checked only then) leaves the
    /// transaction open in SQLite; the wrapper rolls it back and reports the refusal.
    func testACommitThatFailsRollsBackAndThrows() throws {
        let db = try database()
        try db.execute(
            """
            PRAGMA foreign_keys = ON;
            CREATE TABLE parent(id INTEGER PRIMARY KEY);
            CREATE TABLE child(parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
            """)
        XCTAssertThrowsError(
            try db.inTransaction { () throws -> TransactionEnd<Void> in
                try db.run("INSERT INTO t(n) VALUES (1)")
                try db.run("INSERT INTO child(parent) VALUES (7)")
                return .commit(())
            }
        ) { error in
            XCTAssertEqual((error as? SQLiteError)?.isConstraintViolation, true)
        }
        XCTAssertTrue(db.isAutocommit)
        XCTAssertEqual(try db.scalarInt("SELECT count(*) FROM t"), 0)
    }
}
