/// SQL over the register's tables that produces a record's stored form
/// (`RecordVersion.encodedFields`) inside SQLite, so the snapshot copies a night's changes
/// set-wise instead of row by row through Swift.
///
/// Must produce byte for byte what `RecordVersion.encodedFields` produces; a test holds the
/// two together.
enum RegisterColumns {
    /// The encoded fields of payment `p` (alias) in schema `schema`.
    static func paymentFields(_ p: String, schema: String) -> String {
        """
        \(p).company || char(31) || \(p).status || char(31) || COALESCE(\(p).period_from, char(24)) || char(31) || \
        COALESCE(\(p).period_to, char(24)) || char(31) || \(p).payment_date || char(31) || \(p).gross_ore || char(31) || \
        \(p).tax_ore || char(31) || COALESCE((SELECT group_concat(d.kind || char(30) || d.amount_ore, char(29)) FROM \
        (SELECT kind, amount_ore FROM \(schema).payment_deduction WHERE payment_id = \(p).id ORDER BY kind) d), '')
        """
    }

    /// The encoded fields of benefit case `c` (alias).
    static func caseFields(_ c: String) -> String {
        """
        \(c).decision || char(31) || \(c).opened_on || char(31) || COALESCE(\(c).closed_on, char(24)) || char(31) || \
        COALESCE(CAST(\(c).extent_pct AS TEXT), char(24)) || char(31) || COALESCE(CAST(\(c).daily_amount_ore AS TEXT), char(24))
        """
    }
}
