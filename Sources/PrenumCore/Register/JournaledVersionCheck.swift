import Dispatch
import PrenumSQLite

/// Finds the night's journaled register versions that no delivery format can carry
/// (`RegisterValueDomain`), on a connection and a thread of its own, while the snapshot copies
/// the same records on the state connection.
///
/// The check is most of a night's register reads besides the copy itself, and it reads only
/// the register, so it can use the second core. It must judge exactly the versions the copy
/// reads: it opens its own read transaction after the snapshot's and is used only if that
/// transaction sees the same journal end, which (the register journals every change by
/// trigger, `RegisterSchema`) means the same rows. Otherwise, or when it finds more bad versions
/// than it will hold in memory, the snapshot classifies on its own connection instead
/// (`QuarantineLedger.holdJournaledRecords`): the outcome is the same, only slower.
final class JournaledVersionCheck: @unchecked Sendable {
    /// A journaled version outside the formats' domains, as the register has it.
    struct Flagged: Sendable, Equatable {
        let kind: RecordKind
        let id: Int64
        /// The register's person as stored, which may itself be the value at fault.
        let pnr: SQLiteValue
        /// `<column> <reason>`, as `RegisterValueDomain.problem` gives it.
        let problem: String
    }

    /// What the check found, or why the snapshot must classify on its own connection.
    enum Outcome: Sendable, Equatable {
        case flagged([Flagged])
        case unavailable(reason: String)
    }

    /// The check's own page cache for the register: the B-trees' upper levels; the leaves are
    /// read once each.
    static let cacheKiB = 16_384

    private let group = DispatchGroup()
    private var outcome: Outcome = .unavailable(reason: "not finished")

    /// Starts the check at once on journal rows (base, highWater] of the register at `uri`.
    /// More than `flaggedLimit` bad versions are left to the set-wise classification, so the
    /// check's memory stays small whatever upstream sends.
    init(registerURI uri: String, busyTimeoutMilliseconds: Int32, after base: Int64, upTo highWater: Int64, flaggedLimit: Int) {
        group.enter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            defer { group.leave() }
            outcome = Self.check(
                uri: uri, busyTimeoutMilliseconds: busyTimeoutMilliseconds, base: base, highWater: highWater, limit: flaggedLimit)
        }
    }

    /// Waits for the check and returns what it found.
    func wait() -> Outcome {
        group.wait()
        return outcome
    }

    private static func check(uri: String, busyTimeoutMilliseconds: Int32, base: Int64, highWater: Int64, limit: Int) -> Outcome {
        do {
            let register = try Database(path: uri, mode: .readOnly, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
            try register.defineUTF8Check()
            try register.execute("PRAGMA cache_size=-\(cacheKiB)")
            return try register.readTransaction {
                let end = try register.scalarInt("SELECT COALESCE(MAX(seq), 0) FROM change_log") ?? 0
                guard end == highWater else {
                    return .unavailable(reason: "the register's journal moved on to seq \(end) after the snapshot's \(highWater)")
                }
                var flagged: [Flagged] = []
                for kind in RecordKind.allCases {
                    let problem = RegisterValueDomain.problem(kind, "a", schema: "main")
                    // A record journaled twice in the night is judged twice; the hold keeps one.
                    let statement = try register.prepare(
                        """
                        SELECT a.id, a.pnr, \(problem) AS problem
                        FROM change_log j JOIN \(kind.registerTable) a ON a.id = j.entity_id
                        WHERE j.seq > ?1 AND j.seq <= ?2 AND j.entity = ?3 AND \(problem) IS NOT NULL
                        """)
                    try statement.bind([base, highWater, kind.journalName])
                    defer { statement.reset() }
                    let columns = (
                        id: try statement.columnIndex("id"), pnr: try statement.columnIndex("pnr"),
                        problem: try statement.columnIndex("problem")
                    )
                    while try statement.step() {
                        guard flagged.count < limit else {
                            return .unavailable(reason: "more than \(limit) journaled versions are out of the formats' domains")
                        }
                        flagged.append(
                            Flagged(
                                kind: kind, id: statement.int64(columns.id), pnr: statement.value(columns.pnr),
                                problem: statement.text(columns.problem)))
                    }
                }
                return .flagged(flagged)
            }
        } catch {
            return .unavailable(reason: "the check's own connection failed: \(error)")
        }
    }
}
