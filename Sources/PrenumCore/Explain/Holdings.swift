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
                let date = position.lastBusinessDate
            {
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
        let standing: PopulationStanding =
            try SubscriptionStore(database: database).row(subscriber: subscriber, pnr: version.pnr).map {
                .of(
                    present: $0.deliveredPresent, consent: $0.deliveredConsent, fromDate: $0.deliveredFromDate,
                    requiresConsent: visibility.profile.requiresConsent)
            } ?? .absent
        let holds = visibility.isVisible(version, terms: standing.terms)
        return (holds, holds ? version : nil)
    }

    /// The record's version as of the subscriber's last file (nil: absent or untracked then).
    private func version(_ key: RecordKey) throws -> RecordVersion? {
        let records = RecordStore(database: database)
        if beforeLastChanges, let old = try records.versionBeforeChanges(key) { return old }
        return try records.currentVersion(key)
    }
}
