import Foundation
import PrenumCore
import PrenumSQLite

/// Synthetic registers for tests, demos and benchmarks: `create` writes a register with
/// about 13 months of realistic history, `advance` adds one day of upstream activity.
///
/// Both are deterministic: the same arguments give the same `sqlite3 .dump`. Data come
/// from a seeded SplitMix64 and the simulated dates, never from the system clock; the journal
/// triggers' `'now'` reads a `ConnectionClock` set to the simulated time (see docs/SAMPLE-DATA.md).
public enum SampleRegister {
    /// Persons are written this many per transaction.
    static let personsPerTransaction = 20_000

    /// Creates a new register at `path` with `persons` persons and history up to `until`.
    /// Refuses to touch an existing file. The file appears only when complete.
    public static func create(path: String, persons: Int, seed: UInt64, until: CalendarDate) throws -> SampleSummary {
        guard persons >= 1 else { throw OperationFailure(.usage, "the number of persons must be at least 1") }
        let files = FileManager.default
        guard !files.fileExists(atPath: path) else {
            throw OperationFailure(.cannotCreate, "\(path) already exists; sample create never overwrites a register")
        }
        let partial = path + ".creating"
        for suffix in ["", "-journal", "-wal", "-shm"] { try? files.removeItem(atPath: partial + suffix) }
        let untilDay = until.dayNumber
        let keys = SamplePerson.keys(count: persons, seed: seed, until: untilDay)
        var writes = SampleWriteCounts()
        var journalRows: Int64 = 0
        let historyStart: Int
        do {
            let clock = try ConnectionClock(unixSeconds: SampleCalendar.unixSeconds(day: untilDay, second: 0))
            let database: Database
            do {
                database = try Database(path: partial, mode: .readWrite(create: true), clock: clock)
            } catch {
                throw OperationFailure(.cannotCreate, "cannot create \(partial): \(error)")
            }
            // The file is not visible under its name until complete, so a crash costs nothing:
            // no rollback journal while loading.
            try database.execute("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY")
            try RegisterSchema.create(in: database)
            let writer = try SampleRegisterWriter(database: database, clock: clock, calendar: SampleCalendar(around: untilDay))
            let generator = SampleHistoryGenerator(writer: writer, seed: seed, until: untilDay)
            historyStart = generator.historyStart
            var next = 0
            while next < keys.count {
                let batch = keys[next..<min(next + personsPerTransaction, keys.count)]
                try database.transaction {
                    for key in batch {
                        try generator.generate(SamplePerson(key: key, seed: seed, historyStart: generator.historyStart, until: untilDay))
                    }
                }
                next += batch.count
            }
            writes = writer.counts
            journalRows = try database.scalarInt("SELECT count(*) FROM change_log") ?? 0
            // Upstream runs the register in WAL mode, so readers never block its writers.
            try database.execute("PRAGMA synchronous=NORMAL")
            _ = try database.scalarText("PRAGMA journal_mode=WAL")
        }
        do {
            try files.moveItem(atPath: partial, toPath: path)
        } catch {
            throw OperationFailure(.cannotCreate, "cannot move the new register into place at \(path): \(error.localizedDescription)")
        }
        let bytes = (try? files.attributesOfItem(atPath: path)[.size] as? NSNumber)??.int64Value ?? 0
        return SampleSummary(
            persons: persons, coordinationNumbers: keys.filter { $0 / 1000 % 100 > 60 }.count,
            historyFrom: CalendarDate(dayNumber: historyStart), until: until, writes: writes,
            journalRows: journalRows, fileBytes: bytes)
    }

    /// The seed `advance` uses when none is given: derived from the date alone, so that
    /// replaying a day reproduces it.
    public static func defaultSeed(for date: CalendarDate) -> UInt64 {
        SampleRandom.mix(UInt64(bitPattern: Int64(date.dayNumber)) ^ 0x0AD7_A9CE_DA7E_5EED)
    }

    /// Adds one simulated day of upstream activity, in one transaction, through ordinary
    /// INSERT, UPDATE and DELETE statements, so the register's triggers journal it.
    public static func advance(path: String, date: CalendarDate, seed: UInt64? = nil) throws -> SampleDaySummary {
        guard FileManager.default.fileExists(atPath: path) else {
            throw OperationFailure(.noInput, "register \(path) does not exist; create it with 'prenum sample create'")
        }
        let seed = seed ?? defaultSeed(for: date)
        let day = date.dayNumber
        let clock = try ConnectionClock(unixSeconds: SampleCalendar.unixSeconds(day: day, second: 0))
        let database = try Database(path: path, mode: .readWrite(create: false), clock: clock)
        guard try database.scalarInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('payment', 'benefit_case', 'change_log')") == 3
        else {
            throw OperationFailure(.dataError, "\(path) is not a register (no payment, benefit_case and change_log tables)")
        }
        // A payment stays preliminary on the day it is registered, so the newest registration
        // is among the (few, indexed) preliminary payments.
        let last = try database.scalarText("SELECT substr(max(registered_at), 1, 10) FROM payment WHERE status = 'preliminary'")
        let lastDate = last.flatMap { CalendarDate($0) }
        if let lastDate, lastDate > date {
            throw OperationFailure(.usage, "the register already holds activity of \(lastDate); advance only moves forward (got \(date))")
        }
        // The monthly runs touch payments all over the file; a larger page cache saves
        // re-reading them (bounded: 256 MiB).
        // Sample days need no durability beyond WAL's own: NORMAL skips the fsync per commit.
        try database.execute("PRAGMA cache_size=-262144; PRAGMA synchronous=NORMAL")
        let writer = try SampleRegisterWriter(database: database, clock: clock, calendar: SampleCalendar(around: day))
        let before = try database.scalarInt("SELECT coalesce(max(seq), 0) FROM change_log") ?? 0
        try database.transaction(.immediate) {
            var simulator = try SampleDaySimulator(writer: writer, day: day, previousDay: lastDate?.dayNumber ?? (day - 1), seed: seed)
            try simulator.run()
        }
        let after = try database.scalarInt("SELECT coalesce(max(seq), 0) FROM change_log") ?? 0
        return SampleDaySummary(
            date: date, seed: seed, writes: writer.counts, journalRows: after - before,
            firstSeq: before + 1, lastSeq: after)
    }
}
