import PrenumSQLite

/// Applies valid lines to one subscriber's rows in `subscription`, inside the caller's
/// transaction, and writes the population's history.
///
/// Only the imported side (present, consent, from_date) is written, through
/// `SubscriptionStore`, which keeps `dirty` by its rule.
final class PopulationApplier {
    private let database: Database
    private let subscriptions: SubscriptionStore
    private let subscriber: String
    private let fileID: Int64
    /// For `full-` files: remember every person named, to remove the others at the end.
    private let tracksSeen: Bool

    init(database: Database, subscriber: String, fileID: Int64, tracksSeen: Bool) throws {
        self.database = database
        self.subscriptions = SubscriptionStore(database: database)
        self.subscriber = subscriber
        self.fileID = fileID
        self.tracksSeen = tracksSeen
        if tracksSeen { try database.execute("DELETE FROM \(Self.seenTable)") }
    }

    /// The scratch table a `full-` file uses; temporary, so it never reaches the state file.
    private static let seenTable = "temp.population_seen"

    static func prepare(_ database: Database) throws {
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS \(seenTable)(pnr TEXT PRIMARY KEY) WITHOUT ROWID")
    }

    func apply(_ line: PopulationLine, to counts: inout PopulationCounts) throws {
        if tracksSeen {
            let seen = try database.cached("INSERT OR IGNORE INTO \(Self.seenTable)(pnr) VALUES (?1)")
            try seen.bind(line.pnr, at: 1)
            try seen.runToCompletion()
        }
        let current = try subscriptions.importedTerms(subscriber: subscriber, pnr: line.pnr)
        let fromDate = line.fromDate?.description

        switch line.action {
        case .add:
            guard let current else {
                try subscriptions.insertImported(subscriber: subscriber, pnr: line.pnr, consent: line.consent, fromDate: fromDate)
                try event("added", line.pnr, consent: line.consent, fromDate: fromDate)
                counts.added += 1
                return
            }
            if !current.present {
                try update(line.pnr, present: true, consent: line.consent, fromDate: fromDate)
                try event("added", line.pnr, consent: line.consent, fromDate: fromDate)
                counts.added += 1
            } else if current.consent != line.consent || current.fromDate != fromDate {
                try update(line.pnr, present: true, consent: line.consent, fromDate: fromDate)
                try event("changed", line.pnr, consent: line.consent, fromDate: fromDate)
                counts.updated += 1
            } else {
                counts.unchanged += 1
            }
        case .remove:
            guard let current, current.present else {
                counts.notSubscribed += 1
                return
            }
            try update(line.pnr, present: false, consent: current.consent, fromDate: current.fromDate)
            try event("removed", line.pnr, consent: current.consent, fromDate: current.fromDate)
            counts.removed += 1
        }
    }

    /// For a `full-` file: everyone present whom the file did not name leaves the population.
    func removeUnseen(_ counts: inout PopulationCounts) throws {
        counts.removed += try subscriptions.removeUnseen(subscriber: subscriber, seenTable: Self.seenTable, fileID: fileID)
        try database.execute("DELETE FROM \(Self.seenTable)")
    }

    private func update(_ pnr: String, present: Bool, consent: Bool, fromDate: String?) throws {
        try subscriptions.updateImported(subscriber: subscriber, pnr: pnr, to: (present, consent, fromDate))
    }

    private func event(_ kind: String, _ pnr: String, consent: Bool, fromDate: String?) throws {
        let statement = try database.cached(
            """
            INSERT INTO population_event(subscriber, pnr, file_id, event, consent, from_date) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
            """)
        try statement.bind(subscriber, at: 1)
        try statement.bind(pnr, at: 2)
        try statement.bind(fileID, at: 3)
        try statement.bind(kind, at: 4)
        try statement.bind(consent ? 1 : 0, at: 5)
        try statement.bind(fromDate, at: 6)
        try statement.runToCompletion()
    }
}
