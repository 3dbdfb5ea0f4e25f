import Foundation
import PrenumSQLite

extension DeliveryRecord {
    /// A row of `delivery` (`RunLedger.deliveryColumns`) or of `held_delivery`, read by column
    /// name; nil for a business date or status Prenum cannot read. A `held_delivery` row has
    /// no status column: its caller gives the status (`.held`).
    init?(row: Statement, status given: Status? = nil) throws {
        guard let date = CalendarDate(try row.text("business_date")) else { return nil }
        let status: Status
        if let given {
            status = given
        } else {
            guard let read = Status(rawValue: try row.text("status")) else { return nil }
            status = read
        }
        self.init(
            subscriber: try row.text("subscriber"), sequence: try row.int64("sequence"), runID: try row.int64("run_id"),
            businessDate: date, kind: try row.text("kind"), fileName: try row.text("file_name"), outbox: try row.text("outbox"),
            xmlSHA256: try row.text("xml_sha256"), xmlBytes: try row.int64("xml_bytes"), signatureSHA256: try row.text("sig_sha256"),
            keyID: try row.text("key_id"), persons: try row.int("persons"), records: try row.int("records"),
            unsubscribed: try row.int("unsubscribed"), status: status)
    }
}

/// Reads and writes runs, deliveries, failures and subscriber positions in Prenum's state
/// (`run`, `delivery`, `run_failure`, `subscriber_state`, and `held_delivery` in
/// `HeldDelivery.swift`): the one place their SQL is written.
public struct RunLedger {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Runs

    static let runColumns = "id, business_date, created_at, base_watermark, high_water, status, started_at, finished_at, delivered, failed"

    func decodeRun(_ row: Statement) throws -> RunRecord? {
        guard let date = CalendarDate(try row.text("business_date")), let status = RunRecord.Status(rawValue: try row.text("status"))
        else { return nil }
        return RunRecord(
            id: try row.int64("id"), businessDate: date, createdAt: try row.text("created_at"),
            baseWatermark: try row.int64("base_watermark"), highWater: try row.int64("high_water"), status: status,
            startedAt: try row.text("started_at"), finishedAt: try row.optionalText("finished_at"),
            delivered: try row.int("delivered"), failed: try row.int("failed"))
    }

    private func runs(_ sql: String, _ arguments: [SQLiteBindable] = []) throws -> [RunRecord] {
        var runs: [RunRecord] = []
        try database.cached("SELECT \(Self.runColumns) FROM run \(sql)").forEachRow(arguments) { row in
            if let run = try decodeRun(row) { runs.append(run) }
        }
        return runs
    }

    /// A run whose snapshot is taken but whose deliveries are not all made.
    func incompleteRun() throws -> RunRecord? {
        try runs("WHERE status = 'delivering' ORDER BY id LIMIT 1").first
    }

    public func run(on date: CalendarDate) throws -> RunRecord? {
        try runs("WHERE business_date = ?", [date.description]).first
    }

    func lastCompletedRun() throws -> RunRecord? {
        try runs("WHERE status = 'completed' ORDER BY business_date DESC LIMIT 1").first
    }

    func recentRuns(limit: Int) throws -> [RunRecord] {
        try runs("ORDER BY id DESC LIMIT ?", [limit])
    }

    /// The newest run by id: only its change set is still the state's.
    func latestRunID() throws -> Int64? {
        try database.scalarInt("SELECT MAX(id) FROM run")
    }

    func insertRun(date: CalendarDate, createdAt: String, base: Int64, highWater: Int64, startedAt: String) throws -> Int64 {
        try database.run(
            """
            INSERT INTO run(business_date, created_at, base_watermark, high_water, status, started_at)
            VALUES (?, ?, ?, ?, 'delivering', ?)
            """, [date.description, createdAt, base, highWater, startedAt])
        return database.lastInsertRowID
    }

    /// Published files of run `?1`.
    private static let publishedCount = "SELECT COUNT(*) FROM delivery WHERE run_id = ?1 AND status = 'published'"
    /// Subscribers of run `?1` that failed and have no published file of it.
    private static let failedCount = """
        SELECT COUNT(DISTINCT subscriber) FROM run_failure f WHERE f.run_id = ?1 AND NOT EXISTS
            (SELECT 1 FROM delivery d WHERE d.run_id = ?1 AND d.subscriber = f.subscriber AND d.status = 'published')
        """

    func completeRun(_ id: Int64, finishedAt: String) throws {
        try database.run(
            """
            UPDATE run SET status = 'completed', finished_at = ?2,
                delivered = (\(Self.publishedCount)),
                failed = (\(Self.failedCount))
            WHERE id = ?1
            """, [id, finishedAt])
    }

    /// A run's deliveries and failures as they stand now (`StatusFacts`).
    func counts(ofRun run: Int64) throws -> RunCounts {
        func count(_ sql: String) throws -> Int { Int(try database.scalarInt(sql, [run]) ?? 0) }
        var counts = RunCounts()
        counts.delivered = try count(Self.publishedCount)
        counts.staged = try count("SELECT COUNT(*) FROM delivery WHERE run_id = ?1 AND status = 'staged'")
        counts.failed = try count(Self.failedCount)
        counts.retried = try count(
            """
            SELECT COUNT(*) FROM delivery d WHERE d.run_id = ?1 AND d.status = 'published' AND EXISTS
                (SELECT 1 FROM run_failure f WHERE f.run_id = ?1 AND f.subscriber = d.subscriber)
            """)
        return counts
    }

    /// The date of a run before `businessDate` would be refused: the last completed one,
    /// unless `businessDate` itself completed (run again, it redelivers that date).
    func lastCompletedDate(unlessCompleted businessDate: CalendarDate) throws -> CalendarDate? {
        let completed =
            try database.scalarInt(
                "SELECT COUNT(*) FROM run WHERE business_date = ? AND status = 'completed'",
                [businessDate.description]) ?? 0
        guard completed == 0 else { return nil }
        return try database.scalarText("SELECT MAX(business_date) FROM run WHERE status = 'completed'").flatMap { CalendarDate($0) }
    }

    func recordFailure(run: Int64, subscriber: String, at: String, message: String) throws {
        try database.run(
            "INSERT INTO run_failure(run_id, subscriber, failed_at, message) VALUES (?, ?, ?, ?)",
            [run, subscriber, at, message])
    }

    /// The subscriber's latest failure that no published file has made good since, as
    /// recorded (its message may name a personnummer: the caller redacts it for display).
    func openFailure(of subscriber: String) throws -> (at: String, businessDate: String, message: String)? {
        let statement = try database.cached(
            """
            SELECT f.failed_at, r.business_date, f.message FROM run_failure f JOIN run r ON r.id = f.run_id
            WHERE f.subscriber = ?1 AND NOT EXISTS (SELECT 1 FROM delivery d WHERE d.subscriber = f.subscriber
                AND d.status = 'published' AND d.run_id >= f.run_id)
            ORDER BY f.id DESC LIMIT 1
            """)
        var failure: (at: String, businessDate: String, message: String)?
        try statement.forEachRow([subscriber]) { row in
            failure = (try row.text("failed_at"), try row.text("business_date"), try row.text("message"))
        }
        return failure
    }

    // MARK: Subscribers

    public func position(of subscriber: String) throws -> SubscriberPosition {
        let statement = try database.cached(
            """
            SELECT last_sequence, last_xml_sha256, last_business_date, watermark, profile, refresh_pending
            FROM subscriber_state WHERE subscriber = ?
            """)
        try statement.bind([subscriber])
        defer { statement.reset() }
        guard try statement.step() else { return .initial(subscriber) }
        return SubscriberPosition(
            subscriber: subscriber, lastSequence: try statement.int64("last_sequence"),
            lastXMLSHA256: try statement.text("last_xml_sha256"),
            lastBusinessDate: try statement.optionalText("last_business_date").flatMap { CalendarDate($0) },
            watermark: try statement.optionalInt64("watermark"), profile: try statement.optionalText("profile"),
            refreshPending: try statement.bool("refresh_pending"))
    }

    /// Orders a FULL file at the next run.
    public func orderRefresh(subscriber: String, at: String) throws {
        try database.run(
            """
            INSERT INTO subscriber_state(subscriber, refresh_pending, refresh_ordered_at) VALUES (?, 1, ?)
            ON CONFLICT(subscriber) DO UPDATE SET refresh_pending = 1, refresh_ordered_at = excluded.refresh_ordered_at
            """, [subscriber, at])
    }

    // MARK: Deliveries

    static let deliveryColumns = """
        subscriber, sequence, run_id, business_date, kind, file_name, outbox, xml_sha256, xml_bytes, sig_sha256, key_id,
        persons, records, unsubscribed, status
        """

    private func deliveries(where clause: String, _ arguments: [SQLiteBindable]) throws -> [DeliveryRecord] {
        var found: [DeliveryRecord] = []
        try database.cached("SELECT \(Self.deliveryColumns) FROM delivery WHERE \(clause)").forEachRow(arguments) { row in
            if let delivery = try DeliveryRecord(row: row) { found.append(delivery) }
        }
        return found
    }

    func stagedDeliveries() throws -> [DeliveryRecord] {
        try deliveries(where: "status = 'staged' ORDER BY subscriber, sequence", [])
    }

    /// The subscriber's staged files, oldest first.
    func stagedDeliveries(of subscriber: String) throws -> [DeliveryRecord] {
        try deliveries(where: "subscriber = ? AND status = 'staged' ORDER BY sequence", [subscriber])
    }

    public func delivery(run: Int64, subscriber: String) throws -> DeliveryRecord? {
        try deliveries(where: "run_id = ? AND subscriber = ?", [run, subscriber]).first
    }

    public func delivery(subscriber: String, sequence: Int64) throws -> DeliveryRecord? {
        try deliveries(where: "subscriber = ? AND sequence = ?", [subscriber, sequence]).first
    }

    /// The subscriber's newest file, staged or published.
    func lastDelivery(of subscriber: String) throws -> DeliveryRecord? {
        try deliveries(where: "subscriber = ? ORDER BY sequence DESC LIMIT 1", [subscriber]).first
    }

    /// The subscriber's published files of business dates `from` through `to`, in their order.
    func publishedDeliveries(of subscriber: String, from: CalendarDate, to: CalendarDate) throws -> [DeliveryRecord] {
        try deliveries(
            where: "subscriber = ? AND business_date BETWEEN ? AND ? AND status = 'published' ORDER BY sequence",
            [subscriber, from.description, to.description])
    }

    func deliveries(ofRun run: Int64) throws -> [DeliveryRecord] {
        try deliveries(where: "run_id = ?", [run])
    }

    /// A scratch copy of the state (`DryRun`) has no copies of the files staged in the real
    /// one: its run must treat them as out, as the real run publishes them as they are.
    /// Nothing to do in a state without deliveries yet.
    func treatStagedAsPublished() throws {
        guard try StateSchema.tableNames(database).contains("delivery") else { return }
        try database.run("UPDATE delivery SET status = 'published' WHERE status = 'staged'")
    }

    /// Records a made file pair and moves the subscriber's position and population to it, in
    /// the caller's transaction: after this the file's bytes are fixed and will be published.
    /// A released held file passes `movesPopulation: false`: its population moved when it was held.
    func stage(_ delivery: DeliveryRecord, watermark: Int64, profile: String, stagedAt: String, movesPopulation: Bool = true) throws {
        try database.run(
            """
            INSERT INTO delivery(subscriber, sequence, run_id, business_date, kind, file_name, outbox, xml_sha256, xml_bytes,
                sig_sha256, key_id, persons, records, unsubscribed, status, staged_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'staged', ?)
            """,
            [
                delivery.subscriber, delivery.sequence, delivery.runID, delivery.businessDate.description, delivery.kind,
                delivery.fileName, delivery.outbox, delivery.xmlSHA256, delivery.xmlBytes, delivery.signatureSHA256,
                delivery.keyID, delivery.persons, delivery.records, delivery.unsubscribed, stagedAt
            ])
        try database.run(
            """
            INSERT INTO subscriber_state(subscriber, last_sequence, last_xml_sha256, last_business_date, watermark, profile, refresh_pending)
            VALUES (?, ?, ?, ?, ?, ?, 0)
            ON CONFLICT(subscriber) DO UPDATE SET last_sequence = excluded.last_sequence,
                last_xml_sha256 = excluded.last_xml_sha256, last_business_date = excluded.last_business_date,
                watermark = excluded.watermark, profile = excluded.profile, refresh_pending = 0
            """,
            [
                delivery.subscriber, delivery.sequence, delivery.xmlSHA256, delivery.businessDate.description,
                watermark, profile
            ])
        if movesPopulation { try markPopulationDelivered(subscriber: delivery.subscriber) }
    }

    /// The population as delivered is now the population as imported (`SubscriptionStore`).
    func markPopulationDelivered(subscriber: String) throws {
        try SubscriptionStore(database: database).markDelivered(subscriber: subscriber)
    }

    func markPublished(subscriber: String, sequence: Int64, at: String) throws {
        try database.run(
            "UPDATE delivery SET status = 'published', published_at = ? WHERE subscriber = ? AND sequence = ?",
            [at, subscriber, sequence])
    }

    // MARK: Quarantine and continuity

    /// Records on run `runID` how many records were quarantined at its snapshot.
    func setQuarantined(_ count: Int64, ofRun runID: Int64) throws {
        try database.run("UPDATE run SET quarantined = ? WHERE id = ?", [count, runID])
    }

    /// How many records run `runID` held back when it took its snapshot (0 for no such run).
    func quarantined(atRun runID: Int64) throws -> Int {
        Int(try database.scalarInt("SELECT quarantined FROM run WHERE id = ?", [runID]) ?? 0)
    }

    /// Every subscriber's last sequence and that file's SHA-256, as recorded (`StateContinuity`).
    func chainPositions() throws -> [String: (sequence: Int64, sha256: String)] {
        var positions: [String: (sequence: Int64, sha256: String)] = [:]
        try database.prepare("SELECT subscriber, last_sequence, last_xml_sha256 FROM subscriber_state").forEachRow { row in
            positions[try row.text("subscriber")] = (try row.int64("last_sequence"), try row.text("last_xml_sha256"))
        }
        return positions
    }

    /// How many runs the state records.
    func runCount() throws -> Int64 {
        try database.scalarInt("SELECT COUNT(*) FROM run") ?? 0
    }
}
