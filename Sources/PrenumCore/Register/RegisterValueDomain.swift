/// Which register values the delivery formats can carry, as SQL the snapshot evaluates set-wise
/// and as a Swift twin the writer applies before anything is signed.
///
/// A record version with a value outside these domains is *quarantined* (SPEC section 4): the
/// copy keeps its last good version, so recipients keep theirs and no file fails its XSD. The
/// domains follow the XSDs in `Delivery/Schemas` and the register's DDL (SPEC section 1).
enum RegisterValueDomain {
    // The reasons a log line, the run report and `status` show: fixed texts, never the value,
    // since the value itself may be (part of) a personnummer.
    static let missing = "missing (NULL)"
    static let notText = "not text"
    static let notInteger = "not an integer number of öre"
    static let notDate = "not a real date YYYY-MM-DD"
    static let notTimestamp = "not a UTC timestamp YYYY-MM-DDTHH:MM:SSZ"
    static let notPersonnummer = "not a personnummer (12 digits)"
    static let notUTF8 = "bytes that are not valid UTF-8"
    static let controlCharacter = "holds a control character"
    static let unknownBenefit = "unknown benefit code (not in the register's benefit table)"
    static func unknownValue(_ allowed: [String]) -> String { "unknown value (expected \(allowed.joined(separator: ", ")))" }
    static func badLength(_ limit: Int) -> String { "empty or longer than \(limit) characters" }

    static let companies = ["FK", "PM"]
    static let statuses = ["preliminary", "executed", "cancelled"]
    static let decisions = ["pending", "granted", "denied", "withdrawn"]
    static let extents: [Int64] = [25, 50, 75, 100]
    static let benefitMaxLength = 32
    static let deductionKindMaxLength = 64

    // MARK: - SQL

    /// NULL when register row `alias` of `kind` can be delivered in every format, else
    /// `<column> <reason>` for its first bad column.
    static func problem(_ kind: RecordKind, _ alias: String, schema: String) -> String {
        switch kind {
        case .benefitCase: return caseProblem(alias, schema: schema)
        case .payment: return paymentProblem(alias, schema: schema)
        }
    }

    /// NULL when payment `p` (alias) of schema `schema` can be delivered in every format, else
    /// `<column> <reason>` for its first bad column (`payment_deduction.kind`, say).
    static func paymentProblem(_ p: String, schema: String) -> String {
        let d = "d"
        let deduction = problem(
            [
                freeText("\(d).kind", "payment_deduction.kind", maxLength: deductionKindMaxLength),
                integer("\(d).amount_ore", "payment_deduction.amount_ore", nullable: false)
            ], otherwise: "NULL")
        let deductions = """
            (SELECT q FROM (SELECT \(deduction) AS q FROM \(schema).payment_deduction \(d) WHERE \(d).payment_id = \(p).id) \
            WHERE q IS NOT NULL LIMIT 1)
            """
        return problem(
            [
                personnummer("\(p).pnr", "pnr"),
                benefit("\(p).benefit", schema: schema),
                oneOf("\(p).company", "company", companies),
                oneOf("\(p).status", "status", statuses),
                date("\(p).period_from", "period_from", nullable: true),
                date("\(p).period_to", "period_to", nullable: true),
                date("\(p).payment_date", "payment_date", nullable: false),
                integer("\(p).gross_ore", "gross_ore", nullable: false),
                integer("\(p).tax_ore", "tax_ore", nullable: false),
                timestamp("\(p).registered_at", "registered_at")
            ], otherwise: deductions)
    }

    /// NULL when benefit case `c` (alias) can be delivered in every format, else
    /// `<column> <reason>` for its first bad column.
    static func caseProblem(_ c: String, schema: String) -> String {
        let extent = "\(c).extent_pct"
        let allowed = extents.map(String.init)
        return problem(
            [
                personnummer("\(c).pnr", "pnr"),
                benefit("\(c).benefit", schema: schema),
                oneOf("\(c).decision", "decision", decisions),
                date("\(c).opened_on", "opened_on", nullable: false),
                date("\(c).closed_on", "closed_on", nullable: true),
                Column(
                    field: "extent_pct",
                    good: "\(extent) IS NULL OR (typeof(\(extent)) = 'integer' AND \(extent) IN (\(allowed.joined(separator: ", "))))",
                    checks: [("1", unknownValue(allowed))]),
                integer("\(c).daily_amount_ore", "daily_amount_ore", nullable: true)
            ], otherwise: "NULL")
    }

    /// A check: an SQL condition true for a bad value, and what to say about it.
    private typealias Check = (condition: String, reason: String)

    /// One column's domain: `good`, one cheap SQL condition that is 1 exactly for a value in it,
    /// and the checks that say what is wrong with one that is not (evaluated only then, since a
    /// night's records are almost all good).
    private struct Column {
        let field: String
        let good: String
        let checks: [Check]
    }

    private static func problem(_ columns: [Column], otherwise: String) -> String {
        let whens = columns.map { column in
            let reasons = column.checks.map { "WHEN \($0.condition) THEN \(literal("\(column.field) \($0.reason)"))" }
            return
                "WHEN (\(column.good)) IS NOT 1 THEN (CASE \(reasons.joined(separator: " ")) ELSE \(literal("\(column.field) out of its domain")) END)"
        }
        return "(CASE \(whens.joined(separator: " ")) ELSE \(otherwise) END)"
    }

    private static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    private static func presence(_ x: String, nullable: Bool) -> [Check] {
        nullable ? [] : [("\(x) IS NULL", missing)]
    }

    private static func integer(_ x: String, _ field: String, nullable: Bool) -> Column {
        Column(
            field: field, good: nullable ? "typeof(\(x)) IN ('integer', 'null')" : "typeof(\(x)) = 'integer'",
            checks: presence(x, nullable: nullable) + [("1", notInteger)])
    }

    /// `date()` always writes `YYYY-MM-DD`, so a value equal to its own date is one; the
    /// modifier makes it recompute the day (`date()` alone keeps a day the month does not have).
    private static func date(_ x: String, _ field: String, nullable: Bool) -> Column {
        let real = "\(x) >= '0001' AND date(\(x), '+0 days') IS \(x)"
        return Column(
            field: field, good: nullable ? "\(x) IS NULL OR (\(real))" : real,
            checks: presence(x, nullable: nullable) + [("1", notDate)])
    }

    private static func timestamp(_ x: String, _ field: String) -> Column {
        Column(
            field: field, good: "\(x) >= '0001' AND strftime('%Y-%m-%dT%H:%M:%SZ', \(x), '+0 days') IS \(x)",
            checks: presence(x, nullable: false) + [("1", notTimestamp)])
    }

    /// SQL: 1 when `x` has the shape of a personnummer.
    static func personnummerShape(_ x: String) -> String { "typeof(\(x)) = 'text' AND \(x) GLOB '\(digits(12))'" }

    private static func personnummer(_ x: String, _ field: String) -> Column {
        Column(
            field: field, good: personnummerShape(x),
            checks: presence(x, nullable: false) + [("typeof(\(x)) <> 'text'", notText), ("1", notPersonnummer)])
    }

    private static func oneOf(_ x: String, _ field: String, _ allowed: [String]) -> Column {
        Column(
            field: field, good: "\(x) IN (\(allowed.map(literal).joined(separator: ", ")))",
            checks: presence(x, nullable: false) + [("1", unknownValue(allowed))])
    }

    /// Text an XML attribute can hold as it is: well-formed UTF-8, no control character (the
    /// stored encoding's separators are control characters too), within the XSD's length.
    private static func freeTextChecks(_ x: String, maxLength: Int) -> [Check] {
        [
            ("typeof(\(x)) <> 'text'", notText),
            // U+FFFD: what bad bytes became where the text was read before (as Swift reads it).
            ("prenum_valid_utf8(\(x)) = 0 OR instr(\(x), char(65533)) > 0", notUTF8),
            (
                "instr(CAST(\(x) AS BLOB), x'00') > 0 OR \(x) GLOB '*[' || char(1) || '-' || char(31) || char(127) || char(65534) || char(65535) || ']*'",
                controlCharacter
            ),
            ("length(\(x)) NOT BETWEEN 1 AND \(maxLength)", badLength(maxLength))
        ]
    }

    private static func freeTextIsGood(_ x: String, maxLength: Int) -> String {
        "NOT (" + freeTextChecks(x, maxLength: maxLength).map { "COALESCE(\($0.condition), 1)" }.joined(separator: " OR ") + ")"
    }

    private static func freeText(_ x: String, _ field: String, maxLength: Int) -> Column {
        Column(
            field: field, good: freeTextIsGood(x, maxLength: maxLength),
            checks: presence(x, nullable: false) + freeTextChecks(x, maxLength: maxLength))
    }

    /// A code of the catalogue that is itself good text: the subquery is evaluated once per
    /// statement, the checks once per catalogue row.
    private static func benefit(_ x: String, schema: String) -> Column {
        Column(
            field: "benefit",
            good: "\(x) IN (SELECT b.code FROM \(schema).benefit b WHERE \(freeTextIsGood("b.code", maxLength: benefitMaxLength)))",
            checks: presence(x, nullable: false) + freeTextChecks(x, maxLength: benefitMaxLength) + [("1", unknownBenefit)])
    }

    private static func digits(_ count: Int) -> String { String(repeating: "[0-9]", count: count) }
}
