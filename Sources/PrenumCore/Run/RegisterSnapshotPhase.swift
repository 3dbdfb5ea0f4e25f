import Foundation
import PrenumSQLite

/// Brings the shared record copy up to one snapshot of the register and records the run, in
/// one state transaction: either the whole snapshot is taken, or none of it.
///
/// The register is read inside one read transaction (high-water mark and rows together) and
/// released as soon as the copy is written, so the upstream write-ahead log is pinned briefly.
struct RegisterSnapshotPhase {
    let state: StateDatabase
    let register: RegisterReader
    let log: EventLog
    let faults: FaultInjector

    func take(businessDate: CalendarDate, createdAt: String, startedAt: String) throws -> RunRecord {
        let database = state.database
        let records = RecordStore(database: database)
        let began = Date()
        var counts = (baselinePersons: 0, journaled: 0, kept: 0)
        let runID: Int64 = try database.transaction {
            try records.clearChanges()
            let base = Int64(try state.meta("watermark") ?? "0") ?? 0
            let trackedBefore = try database.scalarInt("SELECT EXISTS (SELECT 1 FROM tracked_person)") ?? 0
            let highWater: Int64 = try register.withSnapshot { snapshot in
                guard snapshot.highWater >= base else {
                    throw OperationFailure(.dataError, "register \(register.path) journal ends at seq \(snapshot.highWater), before Prenum's watermark \(base): was the register restored from an older copy?")
                }
                // Newly subscribed persons first, so a record that moved to one of them is seen
                // as a move by the journal pass below.
                for pnr in try records.untrackedNewPersons() {
                    try records.track(pnr)
                    try snapshot.forEachRecord(ofPerson: pnr) { try records.insertBaseline($0) }
                    counts.baselinePersons += 1
                }
                // Before anyone was tracked there is nothing to bring up to date.
                if trackedBefore != 0 {
                    try snapshot.forEachChangedRecord(after: base) { key, current in
                        counts.journaled += 1
                        if try records.applyJournaled(key: key, current: current) { counts.kept += 1 }
                    }
                }
                return snapshot.highWater
            }
            faults.reach(.snapshotBeforeCommit)
            try state.setMeta("watermark", String(highWater))
            return try RunLedger(database: database).insertRun(date: businessDate, createdAt: createdAt, base: base,
                                                               highWater: highWater, startedAt: startedAt)
        }
        faults.reach(.snapshotAfterCommit)
        guard let run = try RunLedger(database: database).run(on: businessDate), run.id == runID else {
            throw OperationFailure(.dataError, "state database \(state.path) lost the run it just recorded")
        }
        log.log(.info, "snapshot.taken", [
            "businessDate": businessDate.description, "run": run.id, "baseWatermark": run.baseWatermark,
            "highWater": run.highWater, "newPersons": counts.baselinePersons, "changedRecords": counts.journaled,
            "keptChanges": counts.kept, "durationSeconds": String(format: "%.3f", Date().timeIntervalSince(began)),
        ])
        return run
    }
}
