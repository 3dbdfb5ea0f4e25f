import PrenumSQLite

/// The single facts Prenum keeps about its own state, in the `meta` table: each key is named
/// here once, with its type, so a misspelt key cannot compile into a value that is never found.
///
/// Works on any connection to a state, also a read-only one (`prenum check` reads it before it
/// takes the lock).
struct StateMeta {
    let database: Database

    init(database: Database) {
        self.database = database
    }

    /// The keys in use. Migrations 2, 3, 9 and 10 (`StateSchema`) write `copyRows`,
    /// `fieldEncodingUpgradeOwed`, `disclosureFoldedPairs` and `disclosureRecentPairs` in SQL of
    /// their own; released migrations are never edited.
    enum Key: String, CaseIterable {
        case watermark
        case journalMark = "watermark_journal_row"
        case copyRows = "copy_rows"
        case fieldEncodingUpgradeOwed = "field_encoding_upgrade_owed"
        case repackOwed = "repack_owed"
        case repackedCopyRows = "repacked_copy_rows"
        case recoveredAt = "recovered_at"
        case disclosureFoldedPairs = "disclosure_folded_pairs"
        case disclosureRecentPairs = "disclosure_recent_pairs"
    }

    // MARK: The journal

    /// Journal position of the last snapshot: every change after it is still to be copied
    /// (0 before the first one).
    func watermark() throws -> Int64 {
        try integer(.watermark)
    }

    /// The watermark as a snapshot wrote it; nil in a state no snapshot wrote one into (a
    /// fresh one, or one `prenum recover` rebuilt, whose runs record a high water of 0).
    func snapshotWatermark() throws -> Int64? {
        try text(.watermark).flatMap { Int64($0) }
    }

    func setWatermark(_ watermark: Int64) throws {
        try set(.watermark, String(watermark))
    }

    /// The journal row at the watermark as it read then, so a register restored or replaced
    /// under Prenum is noticed. Nil before the first snapshot, or when it is unreadable.
    func journalMark() throws -> JournalMark? {
        try text(.journalMark).flatMap(JournalMark.init(stored:))
    }

    /// Written with the watermark; an empty value when the journal was empty at the snapshot.
    func setJournalMark(_ mark: JournalMark?) throws {
        try set(.journalMark, mark?.stored ?? "")
    }

    // MARK: The record copy

    /// Rows in the compacted copy, kept by the statements that change it, so deciding on
    /// compaction and repack needs no count of the whole copy.
    func copyRows() throws -> Int64 {
        try integer(.copyRows)
    }

    /// Adds `delta` to `copyRows` in one statement (a first change creates the key).
    func adjustCopyRows(by delta: Int) throws {
        try adjust(.copyRows, by: delta)
    }

    // MARK: The disclosure index

    /// Pairs in the person-clustered disclosure index, kept by the fold, so deciding on the
    /// next fold needs no count of the whole index.
    func disclosureFoldedPairs() throws -> Int64 {
        try integer(.disclosureFoldedPairs)
    }

    func setDisclosureFoldedPairs(_ pairs: Int64) throws {
        try set(.disclosureFoldedPairs, String(pairs))
    }

    /// Pairs not yet folded, kept by the statements that add and remove them, so the check
    /// after every run of whether a fold is due needs no count of them.
    func disclosureRecentPairs() throws -> Int64 {
        try integer(.disclosureRecentPairs)
    }

    /// Adds `delta` to `disclosureRecentPairs` in one statement.
    func adjustDisclosureRecentPairs(by delta: Int) throws {
        try adjust(.disclosureRecentPairs, by: delta)
    }

    func setDisclosureRecentPairs(_ pairs: Int64) throws {
        try set(.disclosureRecentPairs, String(pairs))
    }

    /// Rows written before the stored field encoding carried a version tag are still there:
    /// the next snapshot, which can read the register, rewrites them.
    func fieldEncodingUpgradeOwed() throws -> Bool {
        try text(.fieldEncodingUpgradeOwed) != nil
    }

    func clearFieldEncodingUpgradeOwed() throws {
        try remove(.fieldEncodingUpgradeOwed)
    }

    // MARK: Maintenance

    /// A repack that failed or was cut short: owed until one succeeds.
    func repackOwed() throws -> Bool {
        try text(.repackOwed) == "1"
    }

    func setRepackOwed(_ owed: Bool) throws {
        try set(.repackOwed, owed ? "1" : "0")
    }

    /// `copyRows` at the last repack: the copy's growth since then makes the next one due.
    func repackedCopyRows() throws -> Int64 {
        try integer(.repackedCopyRows)
    }

    func setRepackedCopyRows(_ rows: Int64) throws {
        try set(.repackedCopyRows, String(rows))
    }

    /// When `prenum recover` rebuilt this state from the archive.
    func setRecoveredAt(_ timestamp: String) throws {
        try set(.recoveredAt, timestamp)
    }

    // MARK: Storage

    /// Adds `delta` to an integer key in one statement (a first change creates the key).
    private func adjust(_ key: Key, by delta: Int) throws {
        guard delta != 0 else { return }
        try database.run(
            """
            INSERT INTO meta(key, value) VALUES (?1, ?2)
            ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)
            """, [key.rawValue, Int64(delta)])
    }

    private func integer(_ key: Key) throws -> Int64 {
        Int64(try text(key) ?? "0") ?? 0
    }

    private func text(_ key: Key) throws -> String? {
        try value(forKey: key.rawValue)
    }

    private func set(_ key: Key, _ value: String) throws {
        try setValue(value, forKey: key.rawValue)
    }

    private func remove(_ key: Key) throws {
        try database.run("DELETE FROM meta WHERE key = ?", [key.rawValue])
    }

    /// A value by its stored key, for `StateDatabase.meta(_:)`.
    func value(forKey key: String) throws -> String? {
        try database.scalarText("SELECT value FROM meta WHERE key = ?", [key])
    }

    func setValue(_ value: String, forKey key: String) throws {
        try database.run("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])
    }
}
