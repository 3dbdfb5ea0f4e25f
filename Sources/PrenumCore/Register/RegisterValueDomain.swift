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

    /// NULL when payment `p` (alias) of schema `schema` can be delivered in every format, else
    /// `<column> <reason>` for its first bad column (`payment_deduction.kind`, say).
    static func paymentProblem(_ p: String, schema: String) -> String {
        let d = "d"
        let deduction = problem([
            text("\(d).kind", "payment_deduction.kind", nullable: false),
            freeText("\(d).kind", "payment_deduction.kind", maxLength: deductionKindMaxLength),
            integer("\(d).amount_ore", "payment_deduction.amount_ore", nullable: false),
        ], otherwise: "NULL")
        let deductions = """
            (SELECT q FROM (SELECT \(deduction) AS q FROM \(schema).payment_deduction \(d) WHERE \(d).payment_id = \(p).id) \
            WHERE q IS NOT NULL LIMIT 1)
            """
        return problem([
            personnummer("\(p).pnr", "pnr"),
            benefit("\(p).benefit", schema: schema),
            oneOf("\(p).company", "company", companies),
            oneOf("\(p).status", "status", statuses),
            date("\(p).period_from", "period_from", nullable: true),
            date("\(p).period_to", "period_to", nullable: true),
            date("\(p).payment_date", "payment_date", nullable: false),
            integer("\(p).gross_ore", "gross_ore", nullable: false),
            integer("\(p).tax_ore", "tax_ore", nullable: false),
            timestamp("\(p).registered_at", "registered_at"),
        ], otherwise: deductions)
    }

    /// NULL when benefit case `c` (alias) can be delivered in every format, else
    /// `<column> <reason>` for its first bad column.
    static func caseProblem(_ c: String, schema: String) -> String {
        problem([
            personnummer("\(c).pnr", "pnr"),
            benefit("\(c).benefit", schema: schema),
            oneOf("\(c).decision", "decision", decisions),
            date("\(c).opened_on", "opened_on", nullable: false),
            date("\(c).closed_on", "closed_on", nullable: true),
            [("\(c).extent_pct IS NOT NULL AND (typeof(\(c).extent_pct) <> 'integer' OR \(c).extent_pct NOT IN (\(extents.map(String.init).joined(separator: ", "))))",
              "extent_pct \(unknownValue(extents.map(String.init)))")],
            integer("\(c).daily_amount_ore", "daily_amount_ore", nullable: true),
        ], otherwise: "NULL")
    }

    /// A check: an SQL condition true for a bad value, and what to say about it.
    private typealias Check = (condition: String, problem: String)

    private static func problem(_ checks: [[Check]], otherwise: String) -> String {
        let whens = checks.joined().map { "WHEN \($0.condition) THEN \(literal($0.problem))" }
        return "(CASE \(whens.joined(separator: " ")) ELSE \(otherwise) END)"
    }

    private static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    private static func text(_ x: String, _ field: String, nullable: Bool) -> [Check] {
        (nullable ? [] : [("\(x) IS NULL", "\(field) \(missing)")]) +
            [("\(x) IS NOT NULL AND typeof(\(x)) <> 'text'", "\(field) \(notText)")]
    }

    private static func integer(_ x: String, _ field: String, nullable: Bool) -> [Check] {
        (nullable ? [] : [("\(x) IS NULL", "\(field) \(missing)")]) +
            [("\(x) IS NOT NULL AND typeof(\(x)) <> 'integer'", "\(field) \(notInteger)")]
    }

    /// Through `julianday`, since `date()` alone keeps a day the month does not have.
    private static func date(_ x: String, _ field: String, nullable: Bool) -> [Check] {
        text(x, field, nullable: nullable) + [(
            "\(x) IS NOT NULL AND NOT (\(x) GLOB '\(digits(4))-\(digits(2))-\(digits(2))' AND \(x) >= '0001' AND date(julianday(\(x))) IS \(x))",
            "\(field) \(notDate)"
        )]
    }

    private static func timestamp(_ x: String, _ field: String) -> [Check] {
        text(x, field, nullable: false) + [(
            "NOT (\(x) GLOB '\(digits(4))-\(digits(2))-\(digits(2))T\(digits(2)):\(digits(2)):\(digits(2))Z' AND \(x) >= '0001' AND strftime('%Y-%m-%dT%H:%M:%SZ', julianday(\(x))) IS \(x))",
            "\(field) \(notTimestamp)"
        )]
    }

    private static func personnummer(_ x: String, _ field: String) -> [Check] {
        text(x, field, nullable: false) + [("\(x) NOT GLOB '\(digits(12))'", "\(field) \(notPersonnummer)")]
    }

    private static func oneOf(_ x: String, _ field: String, _ allowed: [String]) -> [Check] {
        text(x, field, nullable: false) +
            [("\(x) NOT IN (\(allowed.map(literal).joined(separator: ", ")))", "\(field) \(unknownValue(allowed))")]
    }

    /// Text an XML attribute can hold as it is: well-formed UTF-8, no control character (the
    /// stored encoding's separators are control characters too), within the XSD's length.
    private static func freeText(_ x: String, _ field: String, maxLength: Int) -> [Check] {
        [
            // U+FFFD: what bad bytes became where the text was read before (as Swift reads it).
            ("prenum_valid_utf8(\(x)) = 0 OR instr(\(x), char(65533)) > 0", "\(field) \(notUTF8)"),
            ("instr(CAST(\(x) AS BLOB), x'00') > 0 OR \(x) GLOB '*[' || char(1) || '-' || char(31) || char(127) || char(65534) || char(65535) || ']*'",
             "\(field) \(controlCharacter)"),
            ("length(\(x)) NOT BETWEEN 1 AND \(maxLength)", "\(field) \(badLength(maxLength))"),
        ]
    }

    private static func benefit(_ x: String, schema: String) -> [Check] {
        text(x, "benefit", nullable: false) + freeText(x, "benefit", maxLength: benefitMaxLength) +
            [("NOT EXISTS (SELECT 1 FROM \(schema).benefit b WHERE b.code = \(x))", "benefit \(unknownBenefit)")]
    }

    private static func digits(_ count: Int) -> String { String(repeating: "[0-9]", count: count) }
}
