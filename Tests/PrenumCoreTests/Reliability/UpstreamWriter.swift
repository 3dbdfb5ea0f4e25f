import Foundation
import PrenumSQLite

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// The agency's case and payment systems, writing to the register from another thread through
/// their own connection while Prenum runs: RegisterChaos transactions of several statements,
/// plus *pairs* of payments that are only ever inserted, changed, moved or deleted together in
/// one transaction, and whose every state is logged with the journal position it was committed
/// at. A run that read one consistent snapshot at journal position H delivers each pair exactly
/// as it stood at H: both or neither, neither older nor newer.
final class UpstreamWriter: @unchecked Sendable {
    /// A pair's payments as committed (both the same but for their ids); nil once deleted.
    struct PairState: Equatable {
        var pnr: String
        var status: String
        var paymentDate: String
        var gross: Int64
        var tax: Int64
    }

    struct Pair {
        let ids: (Int64, Int64)
        /// Every committed state with the journal's last `seq` after its commit, in order.
        var history: [(seq: Int64, state: PairState?)]

        /// The state a snapshot at journal position `highWater` saw; nil when deleted or not yet made.
        func state(at highWater: Int64) -> PairState? {
            history.last { $0.seq <= highWater }?.state ?? nil
        }
    }

    let path: String
    let persons: [String]
    let pairPersons: [String]
    private let lock = NSLock()
    private var stopRequested = false
    private var currentDay: CalendarDate
    private var pairList: [Pair] = []
    private var failure: Error?
    private var committed = 0
    private let finished = DispatchSemaphore(value: 0)
    private var seed: UInt64

    init(register path: String, persons: [String], pairPersons: [String], day: CalendarDate, seed: UInt64) {
        self.path = path
        self.persons = persons
        self.pairPersons = pairPersons
        self.currentDay = day
        self.seed = seed
    }

    var day: CalendarDate {
        get { lock.withLock { currentDay } }
        set { lock.withLock { currentDay = newValue } }
    }

    var pairs: [Pair] { lock.withLock { pairList } }

    /// Upstream transactions committed so far.
    var transactions: Int { lock.withLock { committed } }

    func start() {
        let thread = Thread { [self] in
            do {
                try write()
            } catch {
                lock.withLock { failure = error }
            }
            finished.signal()
        }
        thread.start()
    }

    /// Stops the writer, waits for its last transaction, and rethrows what went wrong in it.
    func stop() throws {
        lock.withLock { stopRequested = true }
        finished.wait()
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// The journal's last position. The writer is the only one, so right after its commit
    /// this is that commit's last row.
    private func journalEnd(_ database: Database) throws -> Int64 {
        try database.scalarInt("SELECT MAX(seq) FROM change_log") ?? 0
    }

    private func write() throws {
        let database = try Database(path: path, mode: .readWrite(create: false), busyTimeoutMilliseconds: 30_000)
        var chaos = RegisterChaos(register: database, persons: persons)
        var random = SeededRandom(seed: seed)
        while !lock.withLock({ stopRequested }) {
            let day = self.day
            let roll = Int.random(in: 0..<10, using: &random)
            let pairs = self.pairs
            if roll < 4 || pairPersons.isEmpty {
                let operations = Int.random(in: 1...5, using: &random)
                try database.transaction { try chaos.advance(on: day, operations: operations, &random) }
            } else if roll < 7 || pairs.isEmpty {
                let state = PairState(
                    pnr: random.pick(pairPersons), status: "executed", paymentDate: day.description,
                    gross: Int64.random(in: 10_000...900_000, using: &random), tax: 0)
                let ids: [Int64] = try database.transaction {
                    try (0..<2).map { _ in
                        try database.run(
                            """
                            INSERT INTO payment(pnr, benefit, company, status, period_from, period_to, payment_date, gross_ore, tax_ore, registered_at)
                            VALUES (?, 'SJP', 'FK', ?, NULL, NULL, ?, ?, ?, ?)
                            """, [state.pnr, state.status, state.paymentDate, state.gross, state.tax, "\(day)T12:00:00Z"])
                        return database.lastInsertRowID
                    }
                }
                chaos.sparedPayments.formUnion(ids)
                let seq = try journalEnd(database)
                lock.withLock { pairList.append(Pair(ids: (ids[0], ids[1]), history: [(seq, state)])) }
            } else {
                let index = Int.random(in: 0..<pairs.count, using: &random)
                let (first, second) = pairs[index].ids
                guard var state = pairs[index].history.last?.state else { continue }
                try database.transaction {
                    switch Int.random(in: 0..<5, using: &random) {
                    case 0, 1:
                        state.gross += 100
                        state.tax += 25
                        try database.run(
                            "UPDATE payment SET gross_ore = ?, tax_ore = ? WHERE id IN (?, ?)", [state.gross, state.tax, first, second])
                    case 2:
                        state.pnr = random.pick(pairPersons)
                        try database.run("UPDATE payment SET pnr = ? WHERE id IN (?, ?)", [state.pnr, first, second])
                    case 3:
                        state.status = random.pick(["cancelled", "executed", "preliminary"])
                        try database.run("UPDATE payment SET status = ? WHERE id = ?", [state.status, first])
                        try database.run("UPDATE payment SET status = ? WHERE id = ?", [state.status, second])
                    default:
                        try database.run("DELETE FROM payment WHERE id = ?", [first])
                        try database.run("DELETE FROM payment WHERE id = ?", [second])
                    }
                }
                let seq = try journalEnd(database)
                let committed: PairState? = try database.scalarInt("SELECT COUNT(*) FROM payment WHERE id = ?", [first]) == 0 ? nil : state
                lock.withLock { pairList[index].history.append((seq, committed)) }
            }
            lock.withLock { committed += 1 }
        }
    }
}
