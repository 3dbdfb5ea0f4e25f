import Foundation
import PrenumSQLite

/// SPEC section 4's visibility written again, as SQL over the register, without any of
/// Prenum's delta code: the mirror a recipient builds must equal what this query returns.
struct VisibilityOracle {
    struct Member {
        let consent: Bool
        let fromDate: String?
    }

    let register: Database

    static func kronor(_ ore: Int64) -> String {
        let sign = ore < 0 ? "-" : ""
        let magnitude = ore.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }

    func visible(
        population: [String: Member], requiresConsent: Bool, benefits: [String], formatVersion: Int,
        businessDate: String, historyDays: Int
    ) throws -> [String: MirrorRecord] {
        try register.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS oracle_population(pnr TEXT PRIMARY KEY, from_date TEXT);
            CREATE TEMP TABLE IF NOT EXISTS oracle_benefit(code TEXT PRIMARY KEY);
            DELETE FROM oracle_population; DELETE FROM oracle_benefit;
            """)
        for (pnr, member) in population where member.consent || !requiresConsent {
            try register.run("INSERT INTO oracle_population VALUES (?, ?)", [pnr, member.fromDate])
        }
        for code in benefits { try register.run("INSERT INTO oracle_benefit VALUES (?)", [code]) }
        let windowStart = try register.scalarText("SELECT date(?, '-' || ? || ' days')", [businessDate, historyDays]) ?? ""

        var result: [String: MirrorRecord] = [:]
        try register.prepare(
            """
            SELECT p.id, p.pnr, p.benefit, p.company, p.status, p.period_from, p.period_to, p.payment_date, p.gross_ore, p.tax_ore,
                   p.registered_at
            FROM payment p JOIN oracle_population o ON o.pnr = p.pnr
            WHERE p.benefit IN (SELECT code FROM oracle_benefit)
              AND p.status <> 'cancelled' AND (?1 >= 2 OR p.status = 'executed')
              AND p.payment_date >= max(?2, COALESCE(o.from_date, ''))
            """
        ).forEachRow([formatVersion, windowStart]) { row in
            var attributes = [
                "benefit": row.text(2), "paymentDate": row.text(7),
                "gross": Self.kronor(row.int64(8)), "tax": Self.kronor(row.int64(9))
            ]
            if let from = row.optionalText(5) { attributes["periodFrom"] = from }
            if let to = row.optionalText(6) { attributes["periodTo"] = to }
            var deductions: [String] = []
            if formatVersion >= 3 { attributes["registeredAt"] = row.text(10) }
            if formatVersion >= 2 {
                attributes["company"] = row.text(3)
                attributes["status"] = row.text(4)
                try register.prepare("SELECT kind, amount_ore FROM payment_deduction WHERE payment_id = ? ORDER BY kind")
                    .forEachRow([row.int64(0)]) { deductions.append("\($0.text(0))=\(Self.kronor($0.int64(1)))") }
            }
            let record = MirrorRecord(entity: "payment", id: row.int64(0), pnr: row.text(1), attributes: attributes, deductions: deductions)
            result[record.key] = record
        }
        try register.prepare(
            """
            SELECT c.id, c.pnr, c.benefit, c.decision, c.opened_on, c.closed_on, c.extent_pct, c.daily_amount_ore
            FROM benefit_case c JOIN oracle_population o ON o.pnr = c.pnr
            WHERE c.benefit IN (SELECT code FROM oracle_benefit)
              AND (c.closed_on IS NULL OR c.closed_on >= max(?1, COALESCE(o.from_date, '')))
            """
        ).forEachRow([windowStart]) { row in
            let record = Self.caseRecord(row)
            result[record.key] = record
        }
        return result
    }

    /// A case row (id, pnr, benefit, decision, opened_on, closed_on, extent_pct, daily amount in
    /// öre) as a recipient holds it; shared with the tests that read a mirror database.
    static func caseRecord(_ row: Statement) -> MirrorRecord {
        var attributes = ["benefit": row.text(2), "decision": row.text(3), "openedOn": row.text(4)]
        if let closed = row.optionalText(5) { attributes["closedOn"] = closed }
        if let extent = row.optionalInt64(6) { attributes["extentPct"] = String(extent) }
        if let daily = row.optionalInt64(7) { attributes["dailyAmount"] = kronor(daily) }
        return MirrorRecord(entity: "case", id: row.int64(0), pnr: row.text(1), attributes: attributes, deductions: [])
    }
}
