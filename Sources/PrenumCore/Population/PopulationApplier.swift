import PrenumSQLite

/// Applies valid lines to one subscriber's rows in `subscription`, inside the caller's
/// transaction, and writes the population's history.
///
/// Only the imported side (present, consent, from_date) is written. `dirty` is raised
/// whenever that side ends up different from what was last delivered, and never lowered:
/// lowering it is the delivery engine's business once it has delivered the difference.
final class PopulationApplier {
    private let database: Database
    private let subscriber: String
    private let fileID: Int64
    /// For `full-` files: remember every person named, to remove the others at the end.
    private let tracksSeen: Bool

    init(database: Database, subscriber: String, fileID: Int64, tracksSeen: Bool) throws {
        self.database = database
        self.subscriber = subscriber
        self.fileID = fileID
        self.tracksSeen = tracksSeen
        if tracksSeen { try database.execute("DELETE FROM temp.population_seen") }
    }

    /// The scratch table a `full-` file uses; temporary, so it never reaches the state file.
    static func prepare(_ database: Database) throws {
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS population_seen(pnr TEXT PRIMARY KEY) WITHOUT ROWID")
    }

    func apply(_ line: PopulationLine, to counts: inout PopulationCounts) throws {
        if tracksSeen {
            let seen = try database.cached("INSERT OR IGNORE INTO temp.population_seen(pnr) VALUES (?1)")
            try seen.bind(line.pnr, at: 1)
            try seen.runToCompletion()
        }
        let lookup = try database.cached("SELECT present, consent, from_date FROM subscription WHERE subscriber = ?1 AND pnr = ?2")
        try lookup.bind(subscriber, at: 1)
        try lookup.bind(line.pnr, at: 2)
        var current: (present: Bool, consent: Bool, fromDate: String?)?
        if try lookup.step() {
            current = (lookup.int(0) != 0, lookup.int(1) != 0, lookup.optionalText(2))
        }
        lookup.reset()
        let fromDate = line.fromDate?.description

        switch line.action {
        case .add:
            guard let current else {
                let insert = try database.cached("""
                    INSERT INTO subscription(subscriber, pnr, present, consent, from_date, dirty) VALUES (?1, ?2, 1, ?3, ?4, 1)
                    """)
                try insert.bind(subscriber, at: 1)
                try insert.bind(line.pnr, at: 2)
                try insert.bind(line.consent ? 1 : 0, at: 3)
                try insert.bind(fromDate, at: 4)
                try insert.runToCompletion()
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
        let unseen = "subscriber = ?1 AND present = 1 AND pnr NOT IN (SELECT pnr FROM temp.population_seen)"
        try database.run("""
            INSERT INTO population_event(subscriber, pnr, file_id, event, consent, from_date)
            SELECT subscriber, pnr, ?2, 'removed', consent, from_date FROM subscription WHERE \(unseen)
            """, [subscriber, fileID])
        try database.run("""
            UPDATE subscription SET present = 0,
                dirty = CASE WHEN dirty = 1 OR delivered_present <> 0 OR consent IS NOT delivered_consent
                             OR from_date IS NOT delivered_from_date THEN 1 ELSE 0 END
            WHERE \(unseen)
            """, [subscriber])
        counts.removed += database.changes
        try database.execute("DELETE FROM temp.population_seen")
    }

    private func update(_ pnr: String, present: Bool, consent: Bool, fromDate: String?) throws {
        // SQLite evaluates every SET expression on the old row, so the dirty test is spelled
        // with the new values.
        let statement = try database.cached("""
            UPDATE subscription SET present = ?3, consent = ?4, from_date = ?5,
                dirty = CASE WHEN dirty = 1 OR ?3 IS NOT delivered_present OR ?4 IS NOT delivered_consent
                             OR ?5 IS NOT delivered_from_date THEN 1 ELSE 0 END
            WHERE subscriber = ?1 AND pnr = ?2
            """)
        try statement.bind(subscriber, at: 1)
        try statement.bind(pnr, at: 2)
        try statement.bind(present ? 1 : 0, at: 3)
        try statement.bind(consent ? 1 : 0, at: 4)
        try statement.bind(fromDate, at: 5)
        try statement.runToCompletion()
    }

    private func event(_ kind: String, _ pnr: String, consent: Bool, fromDate: String?) throws {
        let statement = try database.cached("""
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
