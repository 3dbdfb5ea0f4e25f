import PrenumSQLite

/// What a subscriber's recipient holds, derived, never stored (docs/DESIGN.md): the record
/// versions as of its last file, visible under its terms and profile of that file, on that
/// file's business date.
struct Holdings {
    /// Why the derivation cannot be made, or nil when it can.
    let unknownBecause: String?
    private let database: Database
    private let subscriber: String
    private let visibility: Visibility?
    /// The subscriber missed the last run's changes: versions before them are in the change set.
    private let beforeLastChanges: Bool
    private let hasFiles: Bool

    init(database: Database, subscriber: String) throws {
        self.database = database
        self.subscriber = subscriber
        let position = try RunLedger(database: database).position(of: subscriber)
        hasFiles = position.lastSequence > 0
        let latest = try RunLedger(database: database).recentRuns(limit: 1).first
        var reason: String?
        var before = false
        var visibility: Visibility?
        if hasFiles {
            if let fingerprint = position.profile, let profile = DeliveryProfile(fingerprint: fingerprint),
               let date = position.lastBusinessDate {
                visibility = Visibility(profile: profile, businessDate: date)
            } else {
                reason = "the state does not say what the subscriber's last file was made for"
            }
            if let latest, position.watermark == latest.highWater {
                before = false
            } else if let latest, position.watermark == latest.baseWatermark {
                before = true
            } else {
                reason = "its last file predates the last run and the state keeps no older record versions (its next file is a FULL)"
            }
        }
        unknownBecause = reason
        beforeLastChanges = before
        self.visibility = visibility
    }

    /// Whether the recipient holds the record, and the version it holds; nil when unknown.
    func held(_ key: RecordKey) throws -> (holds: Bool, version: RecordVersion?)? {
        guard hasFiles else { return (false, nil) }
        guard unknownBecause == nil, let visibility else { return nil }
        guard let version = try version(key) else { return (false, nil) }
        let row = try database.cached("""
            SELECT delivered_present, delivered_consent, delivered_from_date FROM subscription WHERE subscriber = ? AND pnr = ?
            """)
        try row.bind([subscriber, version.pnr])
        defer { row.reset() }
        let standing: PopulationStanding = try row.step()
            ? .of(present: row.int64(0) != 0, consent: row.int64(1) != 0, fromDate: row.optionalText(2),
                  requiresConsent: visibility.profile.requiresConsent)
            : .absent
        let holds = visibility.isVisible(version, terms: standing.terms)
        return (holds, holds ? version : nil)
    }

    /// The record's version as of the subscriber's last file (nil: absent or untracked then).
    private func version(_ key: RecordKey) throws -> RecordVersion? {
        if beforeLastChanges,
           let old = try found("SELECT old_pnr, old_benefit, old_fields FROM record_change WHERE entity = ? AND id = ? LIMIT 1", key) {
            return old
        }
        if let recent = try found("SELECT pnr, benefit, fields FROM record_recent WHERE entity = ? AND id = ?", key) { return recent }
        return try found("SELECT pnr, benefit, fields FROM record WHERE entity = ? AND id = ?", key) ?? nil
    }

    /// The version a (pnr, benefit, fields) query finds: nil without a row, `.some(nil)` for a
    /// row that says the record is absent.
    private func found(_ sql: String, _ key: RecordKey) throws -> RecordVersion?? {
        let statement = try database.cached(sql)
        try statement.bind([Int64(key.entity.rawValue), key.id])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        if statement.isNull(0) { return .some(nil) }
        return .some(try RecordStore.decode(key.entity, key.id, statement.text(0), statement.text(1), statement.text(2)))
    }
}
