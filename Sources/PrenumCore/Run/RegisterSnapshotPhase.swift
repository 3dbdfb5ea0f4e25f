import Foundation
import PrenumSQLite

/// Brings the shared record copy up to one snapshot of the register and records the run, in
/// one state transaction: either the whole snapshot is taken, or none of it.
///
/// The register is attached read-only to the state connection, so the high-water mark and the
/// rows are read in one register read transaction and copied set-wise inside SQLite; the
/// register is released (detached) as soon as the transaction commits, so the upstream
/// write-ahead log is pinned briefly.
struct RegisterSnapshotPhase {
    let state: StateDatabase
    let register: RegisterReader
    let log: EventLog
    let faults: FaultInjector
    /// How many bad versions the parallel check may hand over (`Tuning.versionCheckFlaggedLimit`).
    var flaggedLimit = Tuning.defaultVersionCheckFlaggedLimit

    static let schema = "register"
    static let registerCacheKiB = 65_536

    func take(businessDate: CalendarDate, createdAt: String, startedAt: String) throws -> RunRecord {
        let database = state.database
        let copy = RecordCopy(database: database, schema: Self.schema)
        let quarantine = QuarantineLedger(database: database)
        let began = Date()
        try attach(copy)
        defer { copy.detachRegister() }
        var counts = (newPersons: 0, journaled: 0, kept: 0, quarantined: 0, released: 0, check: "none")
        // Where the time went, for the log: new persons, the journal pass, the commit.
        var split = (newPersons: 0.0, journal: 0.0, commitFrom: Date())
        let runID: Int64
        do {
            runID = try database.transaction {
                try RecordStore(database: database).clearChanges()
                try quarantine.beginSnapshot()
                let base = try state.meta.watermark()
                let trackedBefore = try copy.anyTracked()
                // The first read of the attached register starts its read transaction: every
                // statement below sees this high-water mark and the rows as of it.
                let highWater = try ChangeSet(database: database, schema: Self.schema).journalEnd()
                guard highWater >= base else {
                    throw OperationFailure(
                        .dataError,
                        "register \(register.path) journal ends at seq \(highWater), before Prenum's watermark \(base): was the register restored from an older copy?"
                    )
                }
                try JournalMark.check(
                    recorded: try state.meta.journalMark(), watermark: base,
                    table: "\(Self.schema).change_log", database: database, registerPath: register.path)
                try ChangeSet(database: database, schema: Self.schema)
                    .refuseUnknownKinds(after: base, upTo: highWater, registerPath: register.path)
                // The quality check of the night's versions runs beside the copy, on the other core.
                let check =
                    trackedBefore
                    ? JournaledVersionCheck(
                        registerURI: register.readOnlyURI, busyTimeoutMilliseconds: register.busyTimeoutMilliseconds,
                        after: base, upTo: highWater, flaggedLimit: flaggedLimit)
                    : nil
                // However the pass ends, the check is waited for before the register is detached.
                defer { _ = check?.wait() }
                try upgradeFieldEncodingIfOwed(copy)
                // Newly subscribed persons first, so a record that moved to one of them is seen
                // as a move by the journal pass below.
                var mark = Date()
                counts.newPersons = try trackNewPersons(copy, quarantine)
                split.newPersons = Date().timeIntervalSince(mark)
                mark = Date()
                // Before anyone was tracked there is nothing to bring up to date.
                if let check {
                    (counts.journaled, counts.kept, counts.released, counts.check) = try applyJournal(
                        copy, quarantine, check, after: base, upTo: highWater)
                }
                split.journal = Date().timeIntervalSince(mark)
                faults.reach(.snapshotBeforeCommit)
                try state.meta.setWatermark(highWater)
                let journalMark = try JournalMark.read(seq: highWater, table: "\(Self.schema).change_log", database: database)
                try state.meta.setJournalMark(journalMark)
                split.commitFrom = Date()
                let runID = try RunLedger(database: database).insertRun(
                    date: businessDate, createdAt: createdAt, base: base,
                    highWater: highWater, startedAt: startedAt)
                counts.quarantined = try recordQuarantine(runID: runID, businessDate: businessDate)
                return runID
            }
        } catch let error as SQLiteError {
            throw registerFailure(error)
        }
        faults.reach(.snapshotAfterCommit)
        guard let run = try RunLedger(database: database).run(on: businessDate), run.id == runID else {
            throw OperationFailure(.dataError, "state database \(state.path) lost the run it just recorded")
        }
        log.log(
            .info, "snapshot.taken",
            [
                "businessDate": businessDate.description, "run": run.id, "baseWatermark": run.baseWatermark,
                "highWater": run.highWater, "newPersons": counts.newPersons, "changedRecords": counts.journaled,
                "keptChanges": counts.kept, "quarantined": counts.quarantined, "releasedFromQuarantine": counts.released,
                "versionCheck": counts.check,
                "newPersonsSeconds": String(format: "%.3f", split.newPersons),
                "journalSeconds": String(format: "%.3f", split.journal),
                "commitSeconds": String(format: "%.3f", Date().timeIntervalSince(split.commitFrom)),
                "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began))
            ])
        return run
    }

    private func attach(_ copy: RecordCopy) throws {
        do {
            try copy.attachRegister(
                uri: register.readOnlyURI, cacheKiB: Self.registerCacheKiB,
                busyTimeoutMilliseconds: register.busyTimeoutMilliseconds)
            try state.database.defineUTF8Check()
        } catch let error as SQLiteError {
            throw registerFailure(error)
        }
    }

    /// Errors while the register is attached: a busy register is the upstream's lock (75).
    private func registerFailure(_ error: SQLiteError) -> Error {
        if error.isBusy {
            return RegisterReader.Failure(
                exitCode: .temporaryFailure,
                description:
                    "register \(register.path) stayed locked by an upstream writer past the busy timeout; try again later (\(error.message))"
            )
        }
        return error
    }

    /// Rewrites the copy's rows stored before the field encoding's version tag, once, in this
    /// transaction and before the journal pass, so that what the pass compares is in one
    /// encoding. The migration cannot do it: only here is the register attached.
    private func upgradeFieldEncodingIfOwed(_ copy: RecordCopy) throws {
        guard try state.meta.fieldEncodingUpgradeOwed() else { return }
        try copy.upgradeFieldEncoding()
        try state.meta.clearFieldEncodingUpgradeOwed()
        log.log(.info, "snapshot.field-encoding-upgraded", ["encoding": RecordVersion.currentEncoding])
    }

    /// Tracks persons newly in a population and copies their current records (`RecordCopy`),
    /// holding back the bad ones first (`QuarantineLedger`). How many persons were tracked.
    private func trackNewPersons(_ copy: RecordCopy, _ quarantine: QuarantineLedger) throws -> Int {
        try copy.trackNewPersons()
        var copied = 0
        for entity in RecordKind.allCases {
            try quarantine.holdNewPersonsRecords(entity, schema: Self.schema)
            copied += try copy.copyNewPersonsRecords(entity)
        }
        try RecordStore(database: state.database).adjustCopyRows(by: copied)
        return try copy.newPersonCount()
    }

    /// Copies every record journaled in (base, highWater] of a tracked person: old and new
    /// version into the change set, the new one into the recent versions, except the versions
    /// the quarantine holds back. Which check found those: `parallel`, or `inline` and why.
    private func applyJournal(
        _ copy: RecordCopy, _ quarantine: QuarantineLedger, _ check: JournaledVersionCheck, after base: Int64, upTo highWater: Int64
    ) throws -> (journaled: Int, kept: Int, released: Int, check: String) {
        let changes = ChangeSet(database: state.database, schema: Self.schema)
        try changes.collectKeys(after: base, upTo: highWater)
        try copy.copyJournaledRecords()
        let how: String
        switch check.wait() {
        case .flagged(let versions):
            try quarantine.holdFlagged(versions)
            how = "parallel"
        case .unavailable(let reason):
            log.log(.info, "snapshot.version-check-inline", ["reason": reason])
            for entity in RecordKind.allCases { try quarantine.holdJournaledRecords(entity, schema: Self.schema) }
            how = "inline"
        }
        try copy.keepChanges()
        let journaled = try changes.journaledCount()
        let kept = try copy.keptChangeCount()
        let released = try quarantine.releaseCorrected()
        try changes.forgetJournaledKeys()
        return (journaled, kept, released, how)
    }
}
