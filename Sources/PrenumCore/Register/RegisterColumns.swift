/// SQL over the register's tables that produces a record's stored form
/// (`RecordVersion.encodedFields`) inside SQLite, so the snapshot copies a night's changes
/// set-wise instead of row by row through Swift.
///
/// Must produce byte for byte what `RecordVersion.encodedFields` produces; a test holds the
/// two together.
enum RegisterColumns {
    /// The version tag every stored text starts with (`RecordVersion.encodingTag`).
    static let encodingTag = "char(2) || '\(RecordVersion.currentEncoding)' || char(31)"

    /// The encoded fields of the register row `alias` of `kind` in schema `schema`.
    static func fields(_ kind: RecordKind, _ alias: String, schema: String) -> String {
        switch kind {
        case .benefitCase: return caseFields(alias)
        case .payment: return paymentFields(alias, schema: schema)
        }
    }

    /// The encoded fields of payment `p` (alias) in schema `schema`.
    static func paymentFields(_ p: String, schema: String) -> String {
        """
        \(encodingTag) || \(legacyPaymentFields(p, schema: schema)) || char(31) || \(p).registered_at
        """
    }

    /// Encoding 1 of payment `p`: what state rows written before the version tag hold.
    static func legacyPaymentFields(_ p: String, schema: String) -> String {
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
        \(encodingTag) || \(c).decision || char(31) || \(c).opened_on || char(31) || COALESCE(\(c).closed_on, char(24)) || char(31) || \
        COALESCE(CAST(\(c).extent_pct AS TEXT), char(24)) || char(31) || COALESCE(CAST(\(c).daily_amount_ore AS TEXT), char(24))
        """
    }

    /// Whether stored text `fields` is in encoding 1 (no tag).
    static func isUntagged(_ fields: String) -> String { "substr(\(fields), 1, 1) <> char(2)" }

    /// Statements that bring every encoding-1 row of `table` (`record` or `record_recent`) to the
    /// current encoding: a case only gains the tag; a payment also gains the register's
    /// `registered_at`, which never changes what earlier encodings kept, so the other fields stay
    /// as of the watermark. A payment gone from the register keeps encoding 1 (it decodes with
    /// no `registeredAt`); the journal pass sees its deletion.
    static func upgradeStatements(table: String, schema: String) -> [String] {
        RecordKind.allCases.map { kind in
            let untagged = "entity = \(kind.rawValue) AND fields IS NOT NULL AND \(isUntagged("fields"))"
            switch kind {
            case .benefitCase:
                return "UPDATE \(table) SET fields = \(encodingTag) || fields WHERE \(untagged)"
            case .payment:
                return """
                    UPDATE \(table) SET fields = \(encodingTag) || fields || char(31) || \
                    (SELECT p.registered_at FROM \(schema).payment p WHERE p.id = \(table).id)
                    WHERE \(untagged)
                      AND EXISTS (SELECT 1 FROM \(schema).payment p WHERE p.id = \(table).id)
                    """
            }
        }
    }
}
