import Foundation
import PrenumCore
import PrenumSQLite

/// A recipient's local copy of one subscriber's records, as `prenum apply` keeps it.
///
/// Amounts are stored in öre (integers, as in the register) so sums are exact; dates as the
/// file's `YYYY-MM-DD` text; an attribute the file left out is NULL. The schema is documented
/// in docs/OPERATIONS.md ("Recipient mirror").
public final class MirrorDatabase {
    public let path: String
    let database: Database

    static let schema = """
        CREATE TABLE IF NOT EXISTS mirror_state(
            subscriber TEXT PRIMARY KEY,
            last_sequence INTEGER NOT NULL,
            last_hash TEXT NOT NULL,
            last_file TEXT NOT NULL,
            format_version INTEGER NOT NULL,
            window_from TEXT NOT NULL,
            applied_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS mirror_file(
            sequence INTEGER PRIMARY KEY,
            file TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,
            applied_at TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS mirror_case(
            id INTEGER PRIMARY KEY,
            pnr TEXT NOT NULL,
            benefit TEXT NOT NULL,
            decision TEXT NOT NULL,
            opened_on TEXT NOT NULL,
            closed_on TEXT,
            extent_pct INTEGER,
            daily_amount_ore INTEGER);
        CREATE INDEX IF NOT EXISTS mirror_case_pnr ON mirror_case(pnr);
        CREATE TABLE IF NOT EXISTS mirror_payment(
            id INTEGER PRIMARY KEY,
            pnr TEXT NOT NULL,
            benefit TEXT NOT NULL,
            company TEXT,
            status TEXT,
            period_from TEXT,
            period_to TEXT,
            payment_date TEXT NOT NULL,
            gross_ore INTEGER NOT NULL,
            tax_ore INTEGER NOT NULL,
            registered_at TEXT);
        CREATE INDEX IF NOT EXISTS mirror_payment_pnr ON mirror_payment(pnr);
        CREATE INDEX IF NOT EXISTS mirror_payment_date ON mirror_payment(payment_date);
        CREATE TABLE IF NOT EXISTS mirror_deduction(
            payment_id INTEGER NOT NULL REFERENCES mirror_payment(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,
            amount_ore INTEGER NOT NULL,
            PRIMARY KEY(payment_id, kind));
        """

    /// Where a mirror's chain stands.
    public struct State: Sendable, Equatable {
        public let subscriber: String
        public let lastSequence: Int64
        public let lastHash: String
        public let lastFile: String
    }

    /// Opens (creating when missing) the mirror in WAL mode.
    public init(path: String) throws {
        self.path = path
        database = try Database(path: path, mode: .readWrite(create: true))
        try database.enableWriteAheadLog()
        try database.execute("PRAGMA foreign_keys = ON")
        try database.execute(Self.schema)
        // Mirrors made before format 3 lack the payment's registration time.
        if try database.scalarInt("SELECT COUNT(*) FROM pragma_table_info('mirror_payment') WHERE name = 'registered_at'") == 0 {
            try database.execute("ALTER TABLE mirror_payment ADD COLUMN registered_at TEXT")
        }
    }

    public func state() throws -> State? {
        let statement = try database.cached("SELECT subscriber, last_sequence, last_hash, last_file FROM mirror_state LIMIT 1")
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return State(
            subscriber: try statement.text("subscriber"), lastSequence: try statement.int64("last_sequence"),
            lastHash: try statement.text("last_hash"), lastFile: try statement.text("last_file"))
    }

    /// The hash recorded for an applied sequence, to recognise a substituted old file.
    public func appliedHash(sequence: Int64) throws -> String? {
        try database.scalarText("SELECT sha256 FROM mirror_file WHERE sequence = ?", [sequence])
    }

    func transaction<T>(_ body: () throws -> T) throws -> T {
        try database.transaction(.immediate, body)
    }

    func clear() throws {
        try database.execute("DELETE FROM mirror_deduction; DELETE FROM mirror_payment; DELETE FROM mirror_case;")
    }

    /// Inserts or replaces a NEW or CHANGED record whole (a payment with its deductions).
    func upsert(_ record: DeliveredRecord) throws {
        let a = record.attributes
        func amount(_ key: String) throws -> Int64? {
            guard let text = a[key] else { return nil }
            guard let ore = KronorAmount.ore(text) else {
                throw OperationFailure(.dataError, "\(record.entity.elementName) \(record.id): \(key) '\(text)' is not an amount")
            }
            return ore
        }
        switch record.entity {
        case .benefitCase:
            try database.cached(
                """
                INSERT OR REPLACE INTO mirror_case(id, pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).execute([
                record.id, record.pnr, a["benefit"] ?? "", a["decision"] ?? "", a["openedOn"] ?? "", a["closedOn"],
                a["extentPct"].flatMap { Int64($0) }, try amount("dailyAmount")
            ])
        case .payment:
            try database.cached("DELETE FROM mirror_deduction WHERE payment_id = ?").execute([record.id])
            try database.cached(
                """
                INSERT OR REPLACE INTO mirror_payment(id, pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore,
                    tax_ore, registered_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
            ).execute([
                record.id, record.pnr, a["benefit"] ?? "", a["company"], a["status"], a["periodFrom"], a["periodTo"],
                a["paymentDate"] ?? "", try amount("gross") ?? 0, try amount("tax") ?? 0, a["registeredAt"]
            ])
            for deduction in record.deductions {
                guard let ore = KronorAmount.ore(deduction.amount) else {
                    throw OperationFailure(.dataError, "payment \(record.id): deduction amount '\(deduction.amount)' is not an amount")
                }
                try database.cached("INSERT OR REPLACE INTO mirror_deduction(payment_id, kind, amount_ore) VALUES (?, ?, ?)")
                    .execute([record.id, deduction.kind, ore])
            }
        }
    }

    func remove(_ entity: RecordKind, id: Int64) throws {
        switch entity {
        case .benefitCase:
            try database.cached("DELETE FROM mirror_case WHERE id = ?").execute([id])
        case .payment:
            try database.cached("DELETE FROM mirror_deduction WHERE payment_id = ?").execute([id])
            try database.cached("DELETE FROM mirror_payment WHERE id = ?").execute([id])
        }
    }

    func removePerson(_ pnr: String) throws {
        try database.cached("DELETE FROM mirror_deduction WHERE payment_id IN (SELECT id FROM mirror_payment WHERE pnr = ?)").execute([pnr])
        try database.cached("DELETE FROM mirror_payment WHERE pnr = ?").execute([pnr])
        try database.cached("DELETE FROM mirror_case WHERE pnr = ?").execute([pnr])
    }

    /// Drops what fell out of the history window: Prenum sends nothing for such records.
    func applyWindow(from windowFrom: String) throws {
        try database.cached("DELETE FROM mirror_deduction WHERE payment_id IN (SELECT id FROM mirror_payment WHERE payment_date < ?)")
            .execute([windowFrom])
        try database.cached("DELETE FROM mirror_payment WHERE payment_date < ?").execute([windowFrom])
        try database.cached("DELETE FROM mirror_case WHERE closed_on IS NOT NULL AND closed_on < ?").execute([windowFrom])
    }

    func record(
        file: String, subscriber: String, sequence: Int64, sha256: String, kind: String, formatVersion: Int,
        windowFrom: String, at: String
    ) throws {
        try database.cached("DELETE FROM mirror_state WHERE subscriber <> ?").execute([subscriber])
        try database.cached(
            """
            INSERT OR REPLACE INTO mirror_state(subscriber, last_sequence, last_hash, last_file, format_version, window_from, applied_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        ).execute([subscriber, sequence, sha256, file, formatVersion, windowFrom, at])
        try database.cached("INSERT OR REPLACE INTO mirror_file(sequence, file, sha256, kind, applied_at) VALUES (?, ?, ?, ?, ?)")
            .execute([sequence, file, sha256, kind, at])
    }

    /// The count and fingerprint of what the mirror holds (SPEC section 4, format 3), computed
    /// from its rows: what a format-3 trailer says the recipient should hold.
    public func fingerprint() throws -> MirrorFingerprint {
        var total = MirrorFingerprint.empty
        func add(_ text: [UInt8]) { total.add(MirrorFingerprint(visible: 1, sum: Fingerprint256(digestOf: text))) }
        var pending: PendingPayment?
        // Every row of the mirror passes here: columns are found by name once per statement and
        // read by the found index per row.
        let cases = try database.prepare(
            """
            SELECT id, pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore FROM mirror_case
            """)
        let id = try cases.columnIndex("id"), pnr = try cases.columnIndex("pnr"), benefit = try cases.columnIndex("benefit")
        let decision = try cases.columnIndex("decision"), openedOn = try cases.columnIndex("opened_on")
        let closedOn = try cases.columnIndex("closed_on"), extent = try cases.columnIndex("extent_pct")
        let daily = try cases.columnIndex("daily_amount_ore")
        try cases.forEachRow([]) { row in
            add(
                CanonicalRecordText.text(
                    element: RecordKind.benefitCase.elementName, pnr: row.text(pnr),
                    attributes: [
                        ("id", String(row.int64(id))), ("benefit", row.text(benefit)), ("decision", row.text(decision)),
                        ("openedOn", row.text(openedOn)), ("closedOn", row.optionalText(closedOn)),
                        ("extentPct", row.isNull(extent) ? nil : String(row.int64(extent))),
                        ("dailyAmount", row.isNull(daily) ? nil : KronorAmount.text(ore: row.int64(daily)))
                    ], deductions: []))
        }
        let payments = try database.prepare(
            """
            SELECT p.id, p.pnr, p.benefit, p.company, p.status, p.period_from, p.period_to, p.payment_date, p.gross_ore, p.tax_ore,
                   p.registered_at, d.kind AS deduction_kind, d.amount_ore AS deduction_ore
            FROM mirror_payment p LEFT JOIN mirror_deduction d ON d.payment_id = p.id ORDER BY p.id
            """)
        let columns = try PendingPayment.Columns(payments)
        let deductionKind = try payments.columnIndex("deduction_kind"), deductionOre = try payments.columnIndex("deduction_ore")
        try payments.forEachRow([]) { row in
            // One row per deduction: a payment is complete when the next id begins.
            let id = row.int64(columns.id)
            if pending?.id != id {
                if let done = pending { add(done.text) }
                pending = PendingPayment(row, columns)
            }
            if !row.isNull(deductionKind) {
                pending?.deductions.append((row.text(deductionKind), KronorAmount.text(ore: row.int64(deductionOre))))
            }
        }
        if let done = pending { add(done.text) }
        return total
    }

    /// A payment being read row by row, with its deductions.
    private struct PendingPayment {
        let id: Int64
        let pnr: String
        let attributes: [(String, String?)]
        var deductions: [(kind: String, amount: String)] = []

        /// Where a payment's columns sit in the statement's rows, found by name once.
        struct Columns {
            let id, pnr, benefit, company, status, periodFrom, periodTo, paymentDate, gross, tax, registeredAt: Int32

            init(_ statement: Statement) throws {
                id = try statement.columnIndex("id")
                pnr = try statement.columnIndex("pnr")
                benefit = try statement.columnIndex("benefit")
                company = try statement.columnIndex("company")
                status = try statement.columnIndex("status")
                periodFrom = try statement.columnIndex("period_from")
                periodTo = try statement.columnIndex("period_to")
                paymentDate = try statement.columnIndex("payment_date")
                gross = try statement.columnIndex("gross_ore")
                tax = try statement.columnIndex("tax_ore")
                registeredAt = try statement.columnIndex("registered_at")
            }
        }

        init(_ row: Statement, _ columns: Columns) {
            id = row.int64(columns.id)
            pnr = row.text(columns.pnr)
            attributes = [
                ("id", String(id)), ("benefit", row.text(columns.benefit)), ("company", row.optionalText(columns.company)),
                ("status", row.optionalText(columns.status)), ("periodFrom", row.optionalText(columns.periodFrom)),
                ("periodTo", row.optionalText(columns.periodTo)), ("paymentDate", row.text(columns.paymentDate)),
                ("gross", KronorAmount.text(ore: row.int64(columns.gross))), ("tax", KronorAmount.text(ore: row.int64(columns.tax))),
                ("registeredAt", row.optionalText(columns.registeredAt))
            ]
        }

        var text: [UInt8] {
            CanonicalRecordText.text(element: RecordKind.payment.elementName, pnr: pnr, attributes: attributes, deductions: deductions)
        }
    }

    /// Counts of held records, for the command's summary.
    public func counts() throws -> (cases: Int, payments: Int, deductions: Int) {
        (
            Int(try database.scalarInt("SELECT COUNT(*) FROM mirror_case") ?? 0),
            Int(try database.scalarInt("SELECT COUNT(*) FROM mirror_payment") ?? 0),
            Int(try database.scalarInt("SELECT COUNT(*) FROM mirror_deduction") ?? 0)
        )
    }
}
