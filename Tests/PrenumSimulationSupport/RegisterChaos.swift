import Foundation
import PrenumCore
import PrenumSQLite
import PrenumSample

/// Upstream activity for the simulation: random inserts, updates (status, dates, amounts, moves
/// between persons), deletes and deduction changes, written through the journal triggers, with
/// the awkward cases (a record moving between persons, leaving and re-entering the window)
/// far more often than a real register has them.
struct RegisterChaos {
    let register: Database
    let persons: [String]
    static let benefits = ["SJP", "FP", "TFP", "AKS", "UTV", "ETE", "BOB", "BB", "ASS", "OMV", "MKE", "SA", "AE"]
    static let deductionKinds = ["GARNISHMENT", "SOCIAL_ASSISTANCE", "FOREIGN_CLAIM", "STATE_CLAIM_OFFSET"]
    /// Payments the random updates and deletes leave alone (a test's own records with an
    /// invariant of their own).
    var sparedPayments: Set<Int64> = []
    /// Cases the random updates and deletes leave alone.
    var sparedCases: Set<Int64> = []

    /// A pool of valid personnummer, some of them samordningsnummer.
    static func personPool(count: Int, random: inout SeededRandom) -> [String] {
        var pool = Set<String>()
        while pool.count < count {
            let birth = CalendarDate(dayNumber: Int.random(in: -20_000...15_000, using: &random))
            pool.insert(
                Personnummer.make(
                    birthDate: birth, serial: Int.random(in: 0...999, using: &random),
                    coordination: random.chance(0.1)
                ).digits)
        }
        return pool.sorted()
    }

    func date(_ day: CalendarDate, _ offset: ClosedRange<Int>, _ random: inout SeededRandom) -> String {
        day.adding(days: Int.random(in: offset, using: &random)).description
    }

    func insertPayment(on day: CalendarDate, _ random: inout SeededRandom) throws {
        let gross = Int64.random(in: 10_000...3_000_000, using: &random)
        let periodFrom: String? = random.chance(0.8) ? date(day, -90...10, &random) : nil
        try register.run(
            """
            INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                random.pick(persons), random.pick(Self.benefits), random.chance(0.2) ? "PM" : "FK",
                random.pick(["preliminary", "executed", "executed", "cancelled"]), periodFrom,
                periodFrom == nil ? nil : date(day, -30...30, &random), date(day, -420...40, &random),
                gross, gross * 3 / 10, "\(day)T12:00:00Z"
            ])
        if random.chance(0.3) {
            try register.run(
                "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (last_insert_rowid(), ?, ?)",
                [random.pick(Self.deductionKinds), Int64.random(in: 100...50_000, using: &random)])
        }
    }

    func insertCase(on day: CalendarDate, _ random: inout SeededRandom) throws {
        let opened = date(day, -500...0, &random)
        let closed: String? = random.chance(0.5) ? date(day, -450...30, &random) : nil
        try register.run(
            """
            INSERT INTO benefit_case(pnr, benefit, decision, opened_on, closed_on, extent_pct, daily_amount_ore)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [
                random.pick(persons), random.pick(Self.benefits), random.pick(["pending", "granted", "denied", "withdrawn"]),
                opened, closed, random.chance(0.7) ? Int64(random.pick([25, 50, 75, 100])) : nil,
                random.chance(0.7) ? Int64.random(in: 10_000...120_000, using: &random) : nil
            ])
    }

    func randomID(_ table: String, _ random: inout SeededRandom) throws -> Int64? {
        let count = try register.scalarInt("SELECT COUNT(*) FROM \(table)") ?? 0
        guard count > 0 else { return nil }
        let id = try register.scalarInt(
            "SELECT id FROM \(table) ORDER BY id LIMIT 1 OFFSET ?", [Int64.random(in: 0..<count, using: &random)])
        if table == "payment", let id, sparedPayments.contains(id) { return nil }
        if table == "benefit_case", let id, sparedCases.contains(id) { return nil }
        return id
    }

    /// One simulated day: `operations` random writes, each its own upstream transaction.
    func advance(on day: CalendarDate, operations: Int, _ random: inout SeededRandom) throws {
        for _ in 0..<operations {
            let roll = Int.random(in: 0..<100, using: &random)
            if roll < 22 {
                try insertPayment(on: day, &random)
                continue
            }
            if roll < 32 {
                try insertCase(on: day, &random)
                continue
            }
            if roll < 75, let id = try randomID("payment", &random) {
                switch Int.random(in: 0..<9, using: &random) {
                case 0:
                    try register.run(
                        "UPDATE payment SET status = ? WHERE id = ?", [random.pick(["preliminary", "executed", "cancelled"]), id])
                case 1: try register.run("UPDATE payment SET payment_date = ? WHERE id = ?", [date(day, -450...30, &random), id])
                case 2: try register.run("UPDATE payment SET gross_ore = gross_ore + 100, tax_ore = tax_ore + 30 WHERE id = ?", [id])
                case 3: try register.run("UPDATE payment SET pnr = ? WHERE id = ?", [random.pick(persons), id])
                case 4: try register.run("UPDATE payment SET benefit = ? WHERE id = ?", [random.pick(Self.benefits), id])
                case 5:
                    try register.run("DELETE FROM payment_deduction WHERE payment_id = ?", [id])
                    try register.run("DELETE FROM payment WHERE id = ?", [id])
                case 6:
                    try register.run(
                        "INSERT OR REPLACE INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?, ?, ?)",
                        [id, random.pick(Self.deductionKinds), Int64.random(in: 100...90_000, using: &random)])
                case 7:
                    try register.run(
                        "DELETE FROM payment_deduction WHERE payment_id = ? AND kind = ?", [id, random.pick(Self.deductionKinds)])
                default:
                    try register.run(
                        "UPDATE payment SET company = CASE company WHEN 'FK' THEN 'PM' ELSE 'FK' END, period_to = NULL WHERE id = ?", [id])
                }
                continue
            }
            if let id = try randomID("benefit_case", &random) {
                switch Int.random(in: 0..<6, using: &random) {
                case 0: try register.run("UPDATE benefit_case SET closed_on = ? WHERE id = ?", [date(day, -450...10, &random), id])
                case 1: try register.run("UPDATE benefit_case SET closed_on = NULL, decision = 'granted' WHERE id = ?", [id])
                case 2:
                    try register.run(
                        "UPDATE benefit_case SET decision = ? WHERE id = ?",
                        [random.pick(["pending", "granted", "denied", "withdrawn"]), id])
                case 3: try register.run("UPDATE benefit_case SET pnr = ? WHERE id = ?", [random.pick(persons), id])
                case 4:
                    try register.run(
                        "UPDATE benefit_case SET extent_pct = ?, daily_amount_ore = NULL WHERE id = ?",
                        [Int64(random.pick([25, 50, 75, 100])), id])
                default: try register.run("DELETE FROM benefit_case WHERE id = ?", [id])
                }
            }
        }
    }
}
