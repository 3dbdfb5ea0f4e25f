import Foundation
import PrenumSQLite

@testable import PrenumCore

/// One class of register value no delivery format can carry, written into a record as an
/// upstream system could: the SQL that writes it (`?1` is the record's id) and what the
/// quarantine must say about it.
struct HostileValue: CustomStringConvertible {
    let entity: RecordKind
    let field: String
    let reason: String
    let sql: String
    /// Needs a register without the DDL's NOT NULL constraints (a NULL where one is required).
    var needsLaxRegister = false

    var description: String { "\(entity.journalName).\(field) (\(sql))" }

    private static func payment(_ field: String, _ reason: String, _ sql: String, lax: Bool = false) -> HostileValue {
        HostileValue(entity: .payment, field: field, reason: reason, sql: sql, needsLaxRegister: lax)
    }

    private static func benefitCase(_ field: String, _ reason: String, _ sql: String, lax: Bool = false) -> HostileValue {
        HostileValue(entity: .benefitCase, field: field, reason: reason, sql: sql, needsLaxRegister: lax)
    }

    typealias Domain = RegisterValueDomain

    static let all: [HostileValue] = [
        payment("payment_date", Domain.notDate, "UPDATE payment SET payment_date = '2026-13-45' WHERE id = ?1"),
        payment("payment_date", Domain.notDate, "UPDATE payment SET payment_date = '' WHERE id = ?1"),
        payment("payment_date", Domain.notDate, "UPDATE payment SET payment_date = '2026-02-30' WHERE id = ?1"),
        payment("payment_date", Domain.notDate, "UPDATE payment SET payment_date = '0000-01-01' WHERE id = ?1"),
        payment("payment_date", Domain.notDate, "UPDATE payment SET payment_date = '2026-01-01 ' WHERE id = ?1"),
        payment("period_from", Domain.notDate, "UPDATE payment SET period_from = '26-01-01' WHERE id = ?1"),
        payment("period_to", Domain.notDate, "UPDATE payment SET period_to = 20260101 WHERE id = ?1"),
        payment("registered_at", Domain.notTimestamp, "UPDATE payment SET registered_at = '2026-01-01 12:00:00' WHERE id = ?1"),
        payment("registered_at", Domain.notTimestamp, "UPDATE payment SET registered_at = '2026-01-01T25:00:00Z' WHERE id = ?1"),
        payment("status", Domain.unknownValue(Domain.statuses), "UPDATE payment SET status = 'paid' WHERE id = ?1"),
        payment("company", Domain.unknownValue(Domain.companies), "UPDATE payment SET company = 'fk' WHERE id = ?1"),
        payment("gross_ore", Domain.notInteger, "UPDATE payment SET gross_ore = 1250.5 WHERE id = ?1"),
        payment("tax_ore", Domain.notInteger, "UPDATE payment SET tax_ore = 'three hundred' WHERE id = ?1"),
        payment("benefit", Domain.unknownBenefit, "UPDATE payment SET benefit = 'XYZ' WHERE id = ?1"),
        payment("pnr", Domain.notPersonnummer, "UPDATE payment SET pnr = '19700101-123' WHERE id = ?1"),
        payment(
            "payment_deduction.kind", Domain.badLength(Domain.deductionKindMaxLength),
            "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?1, '\(String(repeating: "K", count: 65))', 100)"),
        payment(
            "payment_deduction.kind", Domain.badLength(Domain.deductionKindMaxLength),
            "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?1, '', 100)"),
        payment(
            "payment_deduction.kind", Domain.controlCharacter,
            "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?1, 'GARN' || char(7) || 'ISHMENT', 100)"),
        payment(
            "payment_deduction.kind", Domain.controlCharacter,
            "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?1, 'TAB' || char(9), 100)"),
        payment(
            "payment_deduction.kind", Domain.notUTF8,
            "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?1, CAST(x'55544dc4544e494e47ff' AS TEXT), 100)"),
        payment(
            "payment_deduction.amount_ore", Domain.notInteger,
            "INSERT INTO payment_deduction(payment_id, kind, amount_ore) VALUES (?1, 'STATE_CLAIM_OFFSET', 10.25)"),
        payment("gross_ore", Domain.missing, "UPDATE payment SET gross_ore = NULL WHERE id = ?1", lax: true),
        payment("company", Domain.missing, "UPDATE payment SET company = NULL WHERE id = ?1", lax: true),
        benefitCase("decision", Domain.unknownValue(Domain.decisions), "UPDATE benefit_case SET decision = 'maybe' WHERE id = ?1"),
        benefitCase("opened_on", Domain.notDate, "UPDATE benefit_case SET opened_on = '2026-00-10' WHERE id = ?1"),
        benefitCase("closed_on", Domain.notDate, "UPDATE benefit_case SET closed_on = '' WHERE id = ?1"),
        benefitCase(
            "extent_pct", Domain.unknownValue(Domain.extents.map(String.init)), "UPDATE benefit_case SET extent_pct = 33 WHERE id = ?1"),
        benefitCase("daily_amount_ore", Domain.notInteger, "UPDATE benefit_case SET daily_amount_ore = 'lots' WHERE id = ?1"),
        benefitCase("benefit", Domain.controlCharacter, "UPDATE benefit_case SET benefit = 'SJP' || char(0) WHERE id = ?1"),
        benefitCase("opened_on", Domain.missing, "UPDATE benefit_case SET opened_on = NULL WHERE id = ?1", lax: true)
    ]

    /// Writes the value into record `id`.
    func write(into register: Database, id: Int64) throws {
        try register.run(sql, [id])
    }

    /// The register's DDL without its NOT NULL constraints: a register whose upstream let a
    /// NULL through where the SPEC says there is none.
    static var laxDDL: String { RegisterSchema.ddl.replacingOccurrences(of: " NOT NULL", with: "") }
}
