import Foundation
import PrenumSQLite

/// Which delivery files named which person, and each subscriber's profile at each file: what
/// `prenum disclosures` answers a data subject or an auditor from, reading only the rows and
/// archived files that concern the person.
///
/// A file's entries are written in the same state transaction as its delivery row, so the
/// index can never miss a file that was published, nor name one that never was. They are
/// appended clustered by file (`disclosure_recent`), which writes each page once, and folded
/// into the person-clustered `disclosure` in bulk when due: a night's hundreds of files each
/// inserting in person order would otherwise rewrite most of that index's pages per file.
struct DisclosureIndex {
    let database: Database

    init(database: Database) {
        self.database = database
    }

    /// What a subscriber was, ordered and entitled to at one delivery; kept because the
    /// configuration only says what it is now.
    struct Profile: Hashable, Sendable, Codable {
        let subscriber: String
        let orgNumber: String
        let name: String
        let purpose: String
        let legalBasis: String
        let formatVersion: Int
        let benefits: [String]

        init(
            subscriber: String, orgNumber: String, name: String, purpose: String, legalBasis: String,
            formatVersion: Int, benefits: [String]
        ) {
            self.subscriber = subscriber
            self.orgNumber = orgNumber
            self.name = name
            self.purpose = purpose
            self.legalBasis = legalBasis
            self.formatVersion = formatVersion
            self.benefits = benefits
        }

        init(_ subscriber: Subscriber) {
            self.init(
                subscriber: subscriber.id, orgNumber: subscriber.orgNumber.digits, name: subscriber.name,
                purpose: subscriber.purpose.rawValue, legalBasis: LegalBasis.of(subscriber),
                formatVersion: subscriber.formatVersion.rawValue, benefits: subscriber.benefits)
        }
    }

    /// One indexed delivery file.
    struct File: Hashable, Sendable {
        let subscriber: String
        let sequence: Int64
        let businessDate: String
        let fileName: String
        let profile: Profile
        /// Where the person's element begins in the file, when known.
        let offset: Int64?
    }

    // MARK: Recording

    /// Records that a file names `persons`, in the caller's transaction. A file already
    /// indexed is left as it is, so recording twice (a recovery, a rebuild) changes nothing.
    /// A person named twice by one file is kept once.
    func record(
        fileName: String, subscriber: String, sequence: Int64, businessDate: String, profile: Profile,
        persons: some Sequence<(pnr: String, offset: Int64?)>
    ) throws {
        guard
            let file = try insertFile(
                fileName: fileName, subscriber: subscriber, sequence: sequence,
                businessDate: businessDate, profile: profile)
        else { return }
        let insert = try database.cached("INSERT OR IGNORE INTO disclosure_recent(file, pnr, offset) VALUES (?, ?, ?)")
        var added = 0
        for person in persons {
            try insert.bind(file, at: 1)
            try insert.bind(person.pnr, at: 2)
            try insert.bind(person.offset, at: 3)
            try insert.runToCompletion()
            added += database.changes
        }
        try StateMeta(database: database).adjustDisclosureRecentPairs(by: added)
    }

    /// One transaction per file when run on its own; inside the caller's when there is one
    /// (`prenum recover` rebuilds the whole state in one).
    private func inTransactionUnlessInOne(_ body: () throws -> Void) throws {
        if database.isAutocommit { try database.transaction { try body() } } else { try body() }
    }

    /// Forgets a file that never went out (a held file the operator discarded), in the caller's
    /// transaction, so that the FULL taking its sequence is indexed instead. A file not yet
    /// folded is one range delete; a folded one's persons are read from the discarded file
    /// itself, since the folded index is keyed by person, not by file.
    func forget(subscriber: String, sequence: Int64, filePath: String) throws {
        guard
            let file = try database.scalarInt(
                "SELECT id FROM disclosure_file WHERE subscriber = ? AND sequence = ?",
                [subscriber, sequence])
        else { return }
        try database.run("DELETE FROM disclosure_recent WHERE file = ?", [file])
        let unfolded = database.changes
        try StateMeta(database: database).adjustDisclosureRecentPairs(by: -unfolded)
        // A fold moves all of a file's pairs at once: found here, none are in `disclosure`.
        guard unfolded == 0 else {
            try database.run("DELETE FROM disclosure_file WHERE id = ?", [file])
            return
        }
        guard DurableFiles.exists(filePath) else {
            // The file is gone: a scan of the whole index, rare and slow but complete.
            try database.run("DELETE FROM disclosure WHERE file = ?", [file])
            try forgetFolded(pairs: database.changes, file: file)
            return
        }
        let delete = try database.cached("DELETE FROM disclosure WHERE pnr = ? AND file = ?")
        var deleted = 0
        var handler = DeliveryFileReader.Handler()
        handler.record = {
            try delete.execute([$0.pnr, file])
            deleted += self.database.changes
        }
        handler.unsubscribed = {
            try delete.execute([$0, file])
            deleted += self.database.changes
        }
        _ = try DeliveryFileReader.read(path: filePath, handler: handler)
        try forgetFolded(pairs: deleted, file: file)
    }

    private func forgetFolded(pairs: Int, file: Int64) throws {
        let meta = StateMeta(database: database)
        try meta.setDisclosureFoldedPairs(max(0, try meta.disclosureFoldedPairs() - Int64(pairs)))
        try database.run("DELETE FROM disclosure_file WHERE id = ?", [file])
    }

    /// The new file's number, or nil when it is indexed already.
    private func insertFile(
        fileName: String, subscriber: String, sequence: Int64, businessDate: String,
        profile: Profile
    ) throws -> Int64? {
        let known = try database.scalarInt("SELECT 1 FROM disclosure_file WHERE subscriber = ? AND sequence = ?", [subscriber, sequence])
        guard known == nil else { return nil }
        let benefits = profile.benefits.joined(separator: ",")
        try database.run(
            """
            INSERT OR IGNORE INTO disclosure_profile(subscriber, org_number, name, purpose, legal_basis, format_version, benefits)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, [profile.subscriber, profile.orgNumber, profile.name, profile.purpose, profile.legalBasis, profile.formatVersion, benefits]
        )
        guard
            let profileID = try database.scalarInt(
                """
                SELECT id FROM disclosure_profile WHERE subscriber = ? AND org_number = ? AND name = ? AND purpose = ?
                    AND legal_basis = ? AND format_version = ? AND benefits = ?
                """,
                [profile.subscriber, profile.orgNumber, profile.name, profile.purpose, profile.legalBasis, profile.formatVersion, benefits])
        else { throw OperationFailure(.cannotCreate, "state database: the disclosure profile of \(subscriber) was not kept") }
        try database.run(
            """
            INSERT INTO disclosure_file(subscriber, sequence, business_date, file_name, profile) VALUES (?, ?, ?, ?, ?)
            """, [subscriber, sequence, businessDate, fileName, profileID])
        return database.lastInsertRowID
    }

    // MARK: Rebuilding

    /// What a rebuild did.
    struct RebuildSummary: Equatable, Sendable {
        var filesIndexed = 0
        var filesAlreadyIndexed = 0
        var pairs = 0
    }

    /// Indexes every archived delivery file (`<archive>/<subscriber>/<name>.xml`) that the
    /// index lacks, streaming each file, one transaction per file: after the state was lost or
    /// restored from an older backup (`prenum recover`).
    ///
    /// A file states its subscriber, organisation number and format (and, from format 3 on,
    /// purpose and legal basis); what it does not state (name, benefits, and else purpose)
    /// comes from `profile`, given the subscriber's id and the file's header.
    func rebuild(archiveRoot: String, profile: @escaping (String, [String: String]) -> Profile) throws -> RebuildSummary {
        var summary = RebuildSummary()
        let manager = FileManager.default
        let subscribers = ((try? manager.contentsOfDirectory(atPath: archiveRoot)) ?? []).filter(Subscriber.isValidID).sorted()
        for subscriber in subscribers {
            let folder = (archiveRoot as NSString).appendingPathComponent(subscriber)
            let names = ((try? manager.contentsOfDirectory(atPath: folder)) ?? [])
                .compactMap { name in DeliveryFileName(parsing: name).map { (name, $0) } }
                .filter { $0.1.subscriberID == subscriber }
                .sorted { $0.1.sequence < $1.1.sequence }
            for (name, parsed) in names {
                let path = (folder as NSString).appendingPathComponent(name)
                try inTransactionUnlessInOne {
                    if try database.scalarInt(
                        "SELECT 1 FROM disclosure_file WHERE subscriber = ? AND sequence = ?",
                        [subscriber, parsed.sequence]) != nil
                    {
                        summary.filesAlreadyIndexed += 1
                        return
                    }
                    var file: Int64?
                    var lastPnr: String?
                    let insert = try database.cached("INSERT OR IGNORE INTO disclosure_recent(file, pnr) VALUES (?, ?)")
                    func add(_ pnr: String) throws {
                        guard pnr != lastPnr, let file else { return }
                        lastPnr = pnr
                        try insert.execute([file, pnr])
                        summary.pairs += database.changes
                    }
                    var handler = DeliveryFileReader.Handler()
                    handler.header = { header in
                        file = try insertFile(
                            fileName: name, subscriber: subscriber, sequence: parsed.sequence,
                            businessDate: parsed.businessDate.description, profile: profile(subscriber, header))
                    }
                    handler.record = { try add($0.pnr) }
                    handler.unsubscribed = { try add($0) }
                    let pairsBefore = summary.pairs
                    let content = try DeliveryFileReader.read(path: path, handler: handler)
                    guard content.problems.isEmpty else {
                        throw OperationFailure(
                            .dataError, "archived file \(path) cannot be read: \(content.problems.joined(separator: "; "))")
                    }
                    try StateMeta(database: database).adjustDisclosureRecentPairs(by: summary.pairs - pairsBefore)
                    summary.filesIndexed += 1
                }
            }
        }
        return summary
    }

    /// `rebuild` with what the archive does not say taken from the configuration (and, for a
    /// subscriber no longer configured, left empty).
    func rebuild(archiveRoot: String, configuration: Configuration) throws -> RebuildSummary {
        try rebuild(archiveRoot: archiveRoot) { id, header in
            let configured = configuration.subscriber(id)
            let purpose = header["purpose"] ?? configured?.purpose.rawValue ?? ""
            let legalBasis =
                header["legalBasis"] ?? configured.map(LegalBasis.of)
                ?? Purpose(rawValue: purpose).map(LegalBasis.byPurpose) ?? ""
            return Profile(
                subscriber: id, orgNumber: header["orgNumber"] ?? configured?.orgNumber.digits ?? "",
                name: configured?.name ?? "", purpose: purpose, legalBasis: legalBasis,
                formatVersion: header["formatVersion"].flatMap(Int.init) ?? configured?.formatVersion.rawValue ?? 0,
                benefits: configured?.benefits ?? [])
        }
    }

    // MARK: Folding

    /// The pairs not yet folded, if they have reached `percent` of the folded index: each fold
    /// writes the person-ordered index about once, so folding at a fixed share of it keeps the
    /// writes per pair bounded however large the index grows.
    func recentPairsDue(percent: Int) throws -> Int64? {
        let meta = StateMeta(database: database)
        let recent = try meta.disclosureRecentPairs()
        let folded = try meta.disclosureFoldedPairs()
        guard recent > 0, recent * 100 >= Int64(max(percent, 0)) * folded else { return nil }
        return recent
    }

    /// Moves the recent pairs into the person-clustered index, in its key order so each of its
    /// pages is written once, in the caller's transaction.
    func fold() throws {
        try database.run(
            "INSERT OR IGNORE INTO disclosure(pnr, file, offset) SELECT pnr, file, offset FROM disclosure_recent ORDER BY pnr, file")
        let meta = StateMeta(database: database)
        try meta.setDisclosureFoldedPairs(try meta.disclosureFoldedPairs() + Int64(database.changes))
        try database.run("DELETE FROM disclosure_recent")
        try meta.setDisclosureRecentPairs(0)
    }

    // MARK: Reading

    /// Every indexed file that names `pnr`, by subscriber and sequence: one range read in the
    /// folded index, and one key look-up in each file not yet folded.
    func files(naming pnr: String) throws -> [File] {
        var files: [File] = []
        try database.prepare(
            """
            SELECT f.subscriber, f.sequence, f.business_date, f.file_name,
                   p.subscriber AS profile_subscriber, p.org_number, p.name, p.purpose, p.legal_basis, p.format_version, p.benefits,
                   d.offset
            FROM (
                SELECT file, offset FROM disclosure WHERE pnr = ?1
                UNION ALL
                SELECT r.file, r.offset FROM disclosure_file u CROSS JOIN disclosure_recent r
                WHERE u.id >= (SELECT MIN(file) FROM disclosure_recent) AND r.file = u.id AND r.pnr = ?1
            ) d JOIN disclosure_file f ON f.id = d.file JOIN disclosure_profile p ON p.id = f.profile
            ORDER BY f.subscriber, f.sequence
            """
        ).forEachRow([pnr]) { row in
            let benefits = try row.text("benefits").split(separator: ",").map(String.init)
            let profile = Profile(
                subscriber: try row.text("profile_subscriber"), orgNumber: try row.text("org_number"),
                name: try row.text("name"), purpose: try row.text("purpose"), legalBasis: try row.text("legal_basis"),
                formatVersion: try row.int("format_version"), benefits: benefits)
            files.append(
                File(
                    subscriber: try row.text("subscriber"), sequence: try row.int64("sequence"),
                    businessDate: try row.text("business_date"), fileName: try row.text("file_name"), profile: profile,
                    offset: try row.optionalInt64("offset")))
        }
        return files
    }
}
