import Foundation
import PrenumSQLite

/// What Prenum must find in a register before it trusts its journal: the tables and columns of
/// SPEC section 1 and the triggers that journal every change. A register without a trigger
/// still works, but the changes it does not journal are never delivered.
enum RegisterIntegrity {
    static let columns: [(table: String, columns: [String])] = [
        ("benefit", ["code", "name", "family"]),
        (
            "payment",
            [
                "id", "pnr", "benefit", "company", "status", "period_from", "period_to", "payment_date",
                "gross_ore", "tax_ore", "registered_at"
            ]
        ),
        ("payment_deduction", ["payment_id", "kind", "amount_ore"]),
        ("benefit_case", ["id", "pnr", "benefit", "decision", "opened_on", "closed_on", "extent_pct", "daily_amount_ore"]),
        ("change_log", ["seq", "entity", "entity_id", "op", "changed_at"])
    ]
    static let journaledTables = RecordKind.allCases.map(\.registerTable) + RecordKind.allCases.flatMap { $0.childTables.map(\.table) }
    static let events = ["INSERT", "UPDATE", "DELETE"]

    /// Every missing table, column and journal trigger, in words; empty when the register is whole.
    static func problems(_ database: Database) throws -> [String] {
        var problems: [String] = []
        for (table, expected) in columns {
            var found: Set<String> = []
            try database.cached("SELECT name FROM pragma_table_info(?)").forEachRow([table]) { found.insert(try $0.text("name")) }
            if found.isEmpty {
                problems.append("table \(table) is missing")
            } else if case let missing = expected.filter({ !found.contains($0) }), !missing.isEmpty {
                problems.append("table \(table) lacks the column(s) \(missing.joined(separator: ", "))")
            }
        }
        var triggers: [(table: String, sql: String)] = []
        try database.cached("SELECT tbl_name, COALESCE(sql, '') AS sql FROM sqlite_schema WHERE type = 'trigger'").forEachRow {
            triggers.append((try $0.text("tbl_name"), try $0.text("sql")))
        }
        for table in journaledTables {
            for event in events where !triggers.contains(where: { $0.table == table && journals(event, sql: $0.sql) }) {
                problems.append("no trigger journals \(event) on \(table) into change_log")
            }
        }
        return problems
    }

    /// True when a trigger's text fires on `event` and writes `change_log`.
    static func journals(_ event: String, sql: String) -> Bool {
        let words = sql.uppercased().split { !$0.isLetter && !$0.isNumber && $0 != "_" }
        guard let on = words.firstIndex(of: "ON"), words[..<on].contains(Substring(event)) else { return false }
        return words[on...].contains("CHANGE_LOG")
    }

    /// The failure for a register that is not whole (65), with what to do.
    static func failure(path: String, problems: [String]) -> RegisterReader.Failure {
        RegisterReader.Failure(
            exitCode: .dataError,
            description:
                "register \(path) is not the register of SPEC section 1: \(problems.joined(separator: "; ")). Nothing was read. Restore the register's schema and journal triggers from Prenum's DDL (RegisterSchema) before the next run: changes made without the triggers are never journaled, so never delivered; after restoring them, order `prenum refresh` for every subscriber"
        )
    }
}

/// The journal row at Prenum's watermark, recorded with each snapshot and compared at the next
/// start: a journal that was reset, renumbered or belongs to another register would otherwise
/// have its new rows above the watermark taken for the ones in between, and changes lost.
struct JournalMark: Equatable, Sendable, CustomStringConvertible {
    let seq: Int64
    let entity: String
    let entityID: Int64
    let op: String
    let changedAt: String

    /// The row at `seq` in `table` (e.g. `register.change_log`), or nil when there is none.
    static func read(seq: Int64, table: String, database: Database) throws -> JournalMark? {
        let statement = try database.cached("SELECT entity, entity_id, op, changed_at FROM \(table) WHERE seq = ?")
        try statement.bind([seq])
        defer { statement.reset() }
        guard try statement.step() else { return nil }
        return JournalMark(
            seq: seq, entity: try statement.text("entity"), entityID: try statement.int64("entity_id"), op: try statement.text("op"),
            changedAt: try statement.text("changed_at"))
    }

    /// As kept in the state's `meta` table.
    var stored: String { [String(seq), entity, String(entityID), op, changedAt].joined(separator: "|") }

    init(seq: Int64, entity: String, entityID: Int64, op: String, changedAt: String) {
        self.seq = seq
        self.entity = entity
        self.entityID = entityID
        self.op = op
        self.changedAt = changedAt
    }

    init?(stored: String) {
        let parts = stored.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 5, let seq = Int64(parts[0]), let id = Int64(parts[2]) else { return nil }
        self.init(seq: seq, entity: parts[1], entityID: id, op: parts[3], changedAt: parts[4])
    }

    var description: String { "seq \(seq) (\(entity) \(entityID) \(op) at \(changedAt))" }

    /// Refuses (65) a register whose journal no longer holds `recorded` where Prenum left it.
    static func check(recorded: JournalMark?, watermark: Int64, table: String, database: Database, registerPath: String) throws {
        guard watermark > 0 else { return }
        let highWater = try database.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM \(table)") ?? 0
        let remedy =
            "Nothing was read or written. If the configuration names the wrong register, correct it. If this register is the right one and its journal was rebuilt, the changes in between cannot be told apart: move the state database aside and run `prenum recover`, after which every subscriber continues with a FULL file"
        guard highWater >= watermark else {
            throw OperationFailure(
                .dataError,
                "register \(registerPath) journal ends at seq \(highWater), before Prenum's watermark \(watermark): the register was restored from an older copy or its journal was reset. \(remedy)"
            )
        }
        guard let recorded, recorded.seq == watermark else { return }
        let found = try read(seq: watermark, table: table, database: database)
        guard found != recorded else { return }
        let what = found.map { "holds \($0)" } ?? "has no row at seq \(watermark)"
        throw OperationFailure(
            .dataError,
            "register \(registerPath) journal \(what), but the last run recorded \(recorded) there: the journal was reset or renumbered, or this is another register. \(remedy)"
        )
    }
}
