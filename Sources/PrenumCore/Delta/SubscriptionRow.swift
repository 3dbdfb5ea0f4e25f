import PrenumSQLite

/// One subscriber's row for one person: the population as imported now and as of the
/// subscriber's last file.
struct SubscriptionRow {
    let pnr: String
    let present: Bool
    let consent: Bool
    let fromDate: String?
    let deliveredPresent: Bool
    let deliveredConsent: Bool
    let deliveredFromDate: String?
    let dirty: Bool

    static let columns =
        "s.pnr, s.present, s.consent, s.from_date, s.delivered_present, s.delivered_consent, s.delivered_from_date, s.dirty"

    /// Where `columns` sit in a statement's rows: looked up by name once per statement, so a
    /// stream of rows is read without hashing a name per row.
    struct Columns {
        let pnr, present, consent, fromDate, deliveredPresent, deliveredConsent, deliveredFromDate, dirty: Int32

        init(_ statement: Statement) throws {
            pnr = try statement.columnIndex("pnr")
            present = try statement.columnIndex("present")
            consent = try statement.columnIndex("consent")
            fromDate = try statement.columnIndex("from_date")
            deliveredPresent = try statement.columnIndex("delivered_present")
            deliveredConsent = try statement.columnIndex("delivered_consent")
            deliveredFromDate = try statement.columnIndex("delivered_from_date")
            dirty = try statement.columnIndex("dirty")
        }
    }

    /// The row `row` stands on, its `columns` found by name.
    init(_ row: Statement) throws {
        self.init(row, try Columns(row))
    }

    /// The row `row` stands on, at the places `columns` found (every column but the two
    /// from-dates is NOT NULL in the schema).
    init(_ row: Statement, _ columns: Columns) {
        pnr = row.text(columns.pnr)
        present = row.int64(columns.present) != 0
        consent = row.int64(columns.consent) != 0
        fromDate = row.optionalText(columns.fromDate)
        deliveredPresent = row.int64(columns.deliveredPresent) != 0
        deliveredConsent = row.int64(columns.deliveredConsent) != 0
        deliveredFromDate = row.optionalText(columns.deliveredFromDate)
        dirty = row.int64(columns.dirty) != 0
    }

    /// Terms on which the recipient got this person's records in its last file.
    func heldTerms(requiresConsent: Bool) -> PersonTerms? {
        PersonTerms.of(present: deliveredPresent, consent: deliveredConsent, fromDate: deliveredFromDate, requiresConsent: requiresConsent)
    }

    /// Terms on which the person's records are visible now.
    func nowTerms(requiresConsent: Bool) -> PersonTerms? {
        PersonTerms.of(present: present, consent: consent, fromDate: fromDate, requiresConsent: requiresConsent)
    }

    /// Removed from the population since the last file: gets one `unsubscribed` element.
    var isUnsubscribed: Bool { deliveredPresent && !present }
}
