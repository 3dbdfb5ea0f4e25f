import PrenumSQLite

/// The snapshot's quarantine (SPEC section 4): a register version holding a value no delivery
/// format can carry is not copied. The copy keeps the record's last good version (or, for a
/// record that was never good, nothing), so the files go on describing it as before, and the
/// first snapshot that reads a corrected version copies it like any other change.
///
/// Within one snapshot the versions to hold back are collected by `QuarantineLedger` (in
/// `temp.held`); the new persons' copy skips them, the journal pass drops them from the change
/// set (`RecordCopy.keepChanges`), and `recordQuarantine` files them in the quarantine.
extension RegisterSnapshotPhase {
    /// How many held-back records a run names one by one in its log; the rest are counted.
    static let quarantineLogLimit = 100

    /// Files this snapshot's held-back versions in the quarantine, logs them (entity, id,
    /// column, reason: never the value, which may be a personnummer) and records the count on
    /// the run. How many records are quarantined now.
    func recordQuarantine(runID: Int64, businessDate: CalendarDate) throws -> Int {
        let database = state.database
        let quarantine = QuarantineLedger(database: database)
        var logged = 0
        try quarantine.forEachHeld { entity, id, problem, since in
            guard logged < Self.quarantineLogLimit else { return }
            logged += 1
            let (field, reason) = Self.split(problem)
            log.log(
                .warning, "record.quarantined",
                [
                    "entity": RecordKind(rawValue: entity)?.journalName ?? String(entity), "id": id,
                    "field": field, "reason": reason, "since": since ?? businessDate.description
                ])
        }
        try quarantine.fileHeld(businessDate: businessDate)
        let held = try quarantine.heldCount()
        if held > logged {
            log.log(.warning, "record.quarantined-more", ["count": held - logged])
        }
        try quarantine.forgetHeld()
        let quarantined = try quarantine.count()
        try RunLedger(database: database).setQuarantined(Int64(quarantined), ofRun: runID)
        return quarantined
    }

    static func split(_ problem: String) -> (field: String, reason: String) {
        guard let space = problem.firstIndex(of: " ") else { return (problem, "") }
        return (String(problem[..<space]), String(problem[problem.index(after: space)...]))
    }
}
