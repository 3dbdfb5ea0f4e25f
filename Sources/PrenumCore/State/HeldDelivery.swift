import Foundation
import PrenumSQLite

/// A file the brake on mass removals held: made, signed and waiting in its subscriber's
/// staging folder, with what its subscriber's position moves to when it is released.
struct HeldDelivery: Sendable, Equatable {
    /// The delivery row it becomes when released (status `held`).
    let delivery: DeliveryRecord
    let watermark: Int64
    let profile: String
    /// Records the file takes away for reasons from the register.
    let removed: Int
    /// Records the recipient held before and still holds after it.
    let kept: Int
    let heldAt: String

    /// The share of what the recipient holds that the file takes away, in percent.
    var removedPercent: Double {
        removed + kept == 0 ? 0 : Double(removed) * 100 / Double(removed + kept)
    }
}

extension RunLedger {
    private static let heldColumns = """
        subscriber, sequence, run_id, business_date, kind, file_name, outbox, xml_sha256, xml_bytes, sig_sha256, key_id,
        persons, records, unsubscribed, watermark, profile, removed, kept, held_at
        """

    /// The subscriber's held file, if any; while there is one, nothing else goes to it.
    func heldDelivery(of subscriber: String) throws -> HeldDelivery? {
        try heldDeliveries(where: "subscriber = ?", [subscriber]).first
    }

    func heldDeliveries() throws -> [HeldDelivery] {
        try heldDeliveries(where: "1 ORDER BY subscriber", [])
    }

    private func heldDeliveries(where clause: String, _ arguments: [SQLiteBindable]) throws -> [HeldDelivery] {
        var found: [HeldDelivery] = []
        try database.cached("SELECT \(Self.heldColumns) FROM held_delivery WHERE \(clause)").forEachRow(arguments) { row in
            guard let delivery = try DeliveryRecord(row: row, status: .held) else { return }
            found.append(
                HeldDelivery(
                    delivery: delivery, watermark: try row.int64("watermark"), profile: try row.text("profile"),
                    removed: try row.int("removed"), kept: try row.int("kept"), heldAt: try row.text("held_at")))
        }
        return found
    }

    /// Records a held file in the caller's transaction. The subscriber's position stays at its
    /// last published file (a discard gives the sequence to the next file); its population
    /// moves to the delivered side, as the held file reflects it.
    func hold(_ held: HeldDelivery) throws {
        let delivery = held.delivery
        try database.run(
            """
            INSERT INTO held_delivery(\(Self.heldColumns))
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                delivery.subscriber, delivery.sequence, delivery.runID, delivery.businessDate.description, delivery.kind,
                delivery.fileName, delivery.outbox, delivery.xmlSHA256, delivery.xmlBytes, delivery.signatureSHA256,
                delivery.keyID, delivery.persons, delivery.records, delivery.unsubscribed, held.watermark, held.profile,
                held.removed, held.kept, held.heldAt
            ])
        try markPopulationDelivered(subscriber: delivery.subscriber)
    }

    /// Turns the held file into a staged delivery, in the caller's transaction: from here on it
    /// is published exactly like any staged file, also by a later run's recovery.
    func releaseHeld(_ held: HeldDelivery, at: String) throws {
        var delivery = held.delivery
        delivery.status = .staged
        try stage(delivery, watermark: held.watermark, profile: held.profile, stagedAt: at, movesPopulation: false)
        try database.run("DELETE FROM held_delivery WHERE subscriber = ?", [delivery.subscriber])
    }

    /// Drops the held file, in the caller's transaction; its sequence goes to the next file, a FULL.
    func discardHeld(_ held: HeldDelivery, at: String) throws {
        try database.run("DELETE FROM held_delivery WHERE subscriber = ?", [held.delivery.subscriber])
        try orderRefresh(subscriber: held.delivery.subscriber, at: at)
    }
}
