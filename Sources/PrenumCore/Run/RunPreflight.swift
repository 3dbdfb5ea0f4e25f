import Foundation
import PrenumSQLite

/// Everything a run checks before it takes the lock or creates anything: the business date,
/// the signing key, the register (read-only: its schema, its journal triggers, and its journal
/// against the state's watermark) and, when a state exists, the run order. `prenum check` is
/// exactly this; `run` goes on with what it opened.
///
/// A typo in `--date` (2062 for 2026) would empty every recipient's copy through the window and
/// leave every later night refused, so a date after tomorrow is refused (64) before anything.
public struct RunPreflight {
    public let configuration: Configuration
    public let registerBusyTimeoutMilliseconds: Int32
    public let now: Date

    public init(configuration: Configuration, registerBusyTimeoutMilliseconds: Int32 = 10_000, now: Date = Date()) {
        self.configuration = configuration
        self.registerBusyTimeoutMilliseconds = registerBusyTimeoutMilliseconds
        self.now = now
    }

    /// What the checks opened, for the run to use.
    public struct Opened {
        public let signer: DeliverySigner
        public let register: RegisterReader
    }

    /// Runs every check; throws the first failure with its SPEC exit code.
    public func check(businessDate: CalendarDate) throws -> Opened {
        try Self.checkNotAfterTomorrow(businessDate, configuration: configuration, now: now)
        let signer = try DeliverySigner(keyPath: configuration.signingKey)
        let register = try RegisterReader(path: configuration.register, busyTimeoutMilliseconds: registerBusyTimeoutMilliseconds)
        try checkAgainstState(register: register, businessDate: businessDate)
        return Opened(signer: signer, register: register)
    }

    /// 64 for a business date after tomorrow in the configured zone, naming today.
    static func checkNotAfterTomorrow(_ date: CalendarDate, configuration: Configuration, now: Date) throws {
        let today = configuration.today(now: now)
        guard date > today.adding(days: 1) else { return }
        throw OperationFailure(
            .usage,
            "business date \(date) is after tomorrow: today is \(today) in \(configuration.timeZone.identifier). A date ahead would move every subscriber's history window and empty its recipients' copies; give today's or tomorrow's date (or leave --date out)"
        )
    }

    /// The journal lineage, its record kinds and the run order, judged from the state read-only (a first run has
    /// none). The run checks both again under its lock.
    func checkAgainstState(register: RegisterReader, businessDate: CalendarDate) throws {
        let path = configuration.stateDatabase
        guard FileManager.default.fileExists(atPath: path) else { return }
        let tables: Set<String>
        let state: Database
        let watermark: Int64
        let recorded: JournalMark?
        do {
            state = try Database(path: path, mode: .readOnly)
            tables = try StateSchema.tableNames(state)
            guard tables.contains("meta") else { return }
            let meta = StateMeta(database: state)
            watermark = try meta.watermark()
            recorded = try meta.journalMark()
        } catch let error as SQLiteError {
            throw StateDatabase.OpenFailure(
                exitCode: .of(error, file: .input), path: path,
                reason: error.isCorrupt ? "not a SQLite database or damaged (\(error.message)); restore it from backup" : error.description)
        }
        try register.database.readTransaction {
            try JournalMark.check(
                recorded: recorded, watermark: watermark, table: "change_log", database: register.database,
                registerPath: register.path)
            try ChangeSet(database: register.database, schema: "main")
                .refuseUnknownKinds(after: watermark, upTo: .max, registerPath: register.path)
        }
        guard tables.contains("run") else { return }
        if let last = try RunLedger(database: state).lastCompletedDate(unlessCompleted: businessDate), businessDate < last {
            throw Self.beforeLastCompleted(businessDate, last: last)
        }
    }

    /// 65 for a date before the last completed run.
    static func beforeLastCompleted(_ date: CalendarDate, last: CalendarDate) -> OperationFailure {
        OperationFailure(
            .dataError,
            "business date \(date) is before the last completed run (\(last)); to deliver past files again use `prenum rerun --subscriber S --from D1 --to D2`"
        )
    }
}
