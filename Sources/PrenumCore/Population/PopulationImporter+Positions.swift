import PrenumSQLite

extension PopulationImporter {
    /// Where each subscriber's applied population files stand: how many there are, and the
    /// SHA-256 of the one at the last archive index when that index equals the count (an older
    /// state without `archive_index` has none). The continuity check compares this with the
    /// archive before anything is migrated, so it reads any state as it finds it.
    static func appliedPositions(_ database: Database) throws -> [String: (count: Int64, lastSHA256: String?)] {
        var positions: [String: (count: Int64, lastSHA256: String?)] = [:]
        try database.prepare(
            """
            SELECT subscriber, COUNT(*) AS files FROM population_file WHERE outcome = 'applied' GROUP BY subscriber
            """
        ).forEachRow { row in
            positions[try row.text("subscriber")] = (try row.int64("files"), nil)
        }
        guard try StateSchema.columnNames(of: "population_file", in: database).contains("archive_index") else { return positions }
        try database.prepare(
            """
            SELECT f.subscriber, f.archive_index, f.sha256 FROM population_file f
            WHERE f.outcome = 'applied' AND f.archive_index = (SELECT MAX(g.archive_index) FROM population_file g
                                                               WHERE g.subscriber = f.subscriber AND g.outcome = 'applied')
            """
        ).forEachRow { row in
            let subscriber = try row.text("subscriber")
            if let count = positions[subscriber]?.count, count == (try row.int64("archive_index")) {
                positions[subscriber] = (count, try row.text("sha256"))
            }
        }
        return positions
    }
}
