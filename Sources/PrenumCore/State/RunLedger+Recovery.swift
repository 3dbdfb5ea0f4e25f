import PrenumSQLite

/// The history `prenum recover` writes from the archive (`RecoveryRebuild`): completed runs
/// and published deliveries, and chains that continue with a FULL file.
extension RunLedger {
    /// A completed run of `date` whose snapshot is unknown (watermark and high water 0).
    func insertRecoveredRun(date: CalendarDate, createdAt: String, at recoveredAt: String) throws -> Int64 {
        try database.run(
            """
            INSERT INTO run(business_date, created_at, base_watermark, high_water, status, started_at, finished_at)
            VALUES (?, ?, 0, 0, 'completed', ?, ?)
            """, [date.description, createdAt, recoveredAt, recoveredAt])
        return database.lastInsertRowID
    }

    /// An archived file as a published delivery; a second file of the same subscriber and run
    /// is ignored (it stays in the archive only).
    func insertRecoveredDelivery(_ delivery: DeliveryRecord, at recoveredAt: String) throws {
        try database.run(
            """
            INSERT OR IGNORE INTO delivery(subscriber, sequence, run_id, business_date, kind, file_name, outbox, xml_sha256, xml_bytes,
                sig_sha256, key_id, persons, records, unsubscribed, status, staged_at, published_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'published', ?, ?)
            """,
            [
                delivery.subscriber, delivery.sequence, delivery.runID, delivery.businessDate.description, delivery.kind,
                delivery.fileName, delivery.outbox, delivery.xmlSHA256, delivery.xmlBytes, delivery.signatureSHA256,
                delivery.keyID, delivery.persons, delivery.records, delivery.unsubscribed, recoveredAt, recoveredAt
            ])
    }

    /// Every run's `delivered` total from its recovered deliveries.
    func recountRecoveredDeliveries() throws {
        try database.execute("UPDATE run SET delivered = (SELECT COUNT(*) FROM delivery d WHERE d.run_id = run.id)")
    }

    /// The subscriber's chain continues after its last archived file with a FULL file: what
    /// the recipient holds is known only as "everything up to that file".
    func continueChainWithFull(
        subscriber: String, lastSequence: Int64, lastXMLSHA256: String, lastBusinessDate: CalendarDate,
        at recoveredAt: String
    ) throws {
        try database.run(
            """
            INSERT INTO subscriber_state(subscriber, last_sequence, last_xml_sha256, last_business_date, watermark, profile,
                refresh_pending, refresh_ordered_at)
            VALUES (?, ?, ?, ?, NULL, NULL, 1, ?)
            """, [subscriber, lastSequence, lastXMLSHA256, lastBusinessDate.description, recoveredAt])
    }
}
