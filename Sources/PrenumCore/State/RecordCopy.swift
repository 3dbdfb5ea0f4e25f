import PrenumSQLite

/// The snapshot's set-wise statements on the record copy (`record`, `record_recent`,
/// `record_change`, `tracked_person`): the register is attached to the state connection as
/// `schema`, and its rows are copied inside SQLite. `RegisterSnapshotPhase` orders the steps;
/// `RecordStore` owns the rest of these tables' SQL.
struct RecordCopy {
    let database: Database
    /// The schema the register is attached as.
    let schema: String

    // MARK: The attached register

    /// Attaches the register read-only as `schema`, with a page cache of `cacheKiB` and the
    /// register's busy timeout for as long as it is attached.
    func attachRegister(uri: String, cacheKiB: Int, busyTimeoutMilliseconds: Int32) throws {
        try database.run("ATTACH DATABASE ? AS \(schema)", [uri])
        // The night's records are read by id all over the register: a page cache that keeps
        // the B-trees' upper levels saves reads. Freed when the register is detached.
        try database.execute("PRAGMA \(schema).cache_size=-\(cacheKiB)")
        // While the register is attached, the connection waits for upstream writers as long
        // as the register's own timeout says (Prenum's state is under its run lock anyway).
        try database.execute("PRAGMA busy_timeout=\(busyTimeoutMilliseconds)")
    }

    /// Detaches the register and restores the state's own busy timeout; each step is tried
    /// whether or not the other succeeds.
    func detachRegister() {
        try? database.execute("DETACH DATABASE \(schema)")
        try? database.execute("PRAGMA busy_timeout=\(Database.defaultBusyTimeoutMilliseconds)")
    }

    /// Whether anyone is tracked yet.
    func anyTracked() throws -> Bool {
        (try database.scalarInt("SELECT EXISTS (SELECT 1 FROM tracked_person)") ?? 0) != 0
    }

    /// Rewrites the copy's rows stored before the field encoding's version tag into the
    /// current encoding (`RegisterColumns.upgradeStatements`).
    func upgradeFieldEncoding() throws {
        for table in ["record", "record_recent"] {
            for statement in RegisterColumns.upgradeStatements(table: table, schema: schema) {
                try database.run(statement)
            }
        }
    }

    // MARK: Newly tracked persons

    /// Fills `temp.new_person` with the persons newly in a population and tracks them.
    func trackNewPersons() throws {
        try database.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS new_person(pnr TEXT PRIMARY KEY) WITHOUT ROWID;
            DELETE FROM temp.new_person;
            -- OR IGNORE, not DISTINCT: a DISTINCT makes SQLite walk every subscription in pnr
            -- order instead of the few pending ones.
            INSERT OR IGNORE INTO temp.new_person
                SELECT s.pnr FROM subscription s
                WHERE s.dirty = 1 AND s.present = 1 AND NOT EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = s.pnr);
            INSERT INTO tracked_person(pnr) SELECT pnr FROM temp.new_person;
            """)
    }

    /// Copies the new persons' current `entity` records not held back: into the compacted
    /// copy, except where a recent version exists, which a tombstone's record coming back
    /// replaces. How many rows the compacted copy gained.
    func copyNewPersonsRecords(_ entity: RecordKind) throws -> Int {
        let table = entity.registerTable
        let fields = RegisterColumns.fields(entity, "c", schema: schema)
        // CROSS JOIN keeps the new persons the outer loop: SQLite, without statistics, would
        // rather scan the register's table and probe them.
        try database.run(
            """
            INSERT OR IGNORE INTO record(entity, id, pnr, benefit, fields)
                SELECT \(entity.rawValue), c.id, c.pnr, c.benefit, \(fields)
                FROM temp.new_person n CROSS JOIN \(schema).\(table) c ON c.pnr = n.pnr
                WHERE NOT EXISTS (SELECT 1 FROM record_recent x WHERE x.entity = \(entity.rawValue) AND x.id = c.id)
                  AND \(QuarantineLedger.notHeld(entity, "c"))
            """)
        let copied = database.changes
        try database.run(
            """
            INSERT INTO record_recent(entity, id, pnr, benefit, fields)
                SELECT x.entity, x.id, c.pnr, c.benefit, \(fields)
                FROM record_recent x JOIN \(schema).\(table) c ON c.id = x.id
                WHERE x.pnr IS NULL AND x.entity = \(entity.rawValue) AND c.pnr IN (SELECT pnr FROM temp.new_person)
                  AND \(QuarantineLedger.notHeld(entity, "c"))
            ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, benefit = excluded.benefit, fields = excluded.fields
            """)
        return copied
    }

    /// How many persons `trackNewPersons` tracked.
    func newPersonCount() throws -> Int {
        Int(try database.scalarInt("SELECT COUNT(*) FROM temp.new_person") ?? 0)
    }

    // MARK: The journal pass

    /// Copies every record in `temp.changed_key` (`ChangeSet.collectKeys`) of a tracked person
    /// into the change set, old and new version. Versions the quarantine holds back are
    /// copied too and dropped by `keepChanges`, so the copy need not wait for the check that
    /// finds them (`JournaledVersionCheck`).
    func copyJournaledRecords() throws {
        let tracked = "EXISTS (SELECT 1 FROM tracked_person t WHERE t.pnr = n.pnr)"
        // The version held so far: the recent one if any (x; NULL person: gone), else the
        // compacted one (b). Inserted in the change set's key order, so its B-tree is appended
        // to rather than split all over.
        func versions(_ entity: RecordKind, _ table: String, _ fields: String) -> String {
            """
            INSERT INTO record_change(pnr, entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields)
                SELECT COALESCE(n.pnr, x.pnr, b.pnr), k.entity, k.id,
                       COALESCE(x.pnr, b.pnr), COALESCE(x.benefit, b.benefit), COALESCE(x.fields, b.fields),
                       n.pnr, n.benefit, \(fields)
                FROM temp.changed_key k
                LEFT JOIN record_recent x ON x.entity = k.entity AND x.id = k.id
                LEFT JOIN record b ON x.entity IS NULL AND b.entity = k.entity AND b.id = k.id
                LEFT JOIN \(schema).\(table) n ON n.id = k.id AND \(tracked)
                WHERE k.entity = \(entity.rawValue) AND (x.pnr IS NOT NULL OR b.pnr IS NOT NULL OR n.pnr IS NOT NULL)
                ORDER BY 1, 2, 3;
            """
        }
        try database.execute(
            RecordKind.allCases.map { versions($0, $0.registerTable, RegisterColumns.fields($0, "n", schema: schema)) }.joined(
                separator: "\n"))
    }

    /// Completes the change set once the quarantine has filled `temp.held`: drops the held
    /// versions (the copy keeps the last good one) and the records whose kept version did not
    /// change, files a moved record under its old person too, and brings the recent versions
    /// up to each changed record's new version (or tombstone).
    func keepChanges() throws {
        try database.execute(
            """
            -- Held back, or journaled but nothing Prenum keeps changed.
            DELETE FROM record_change
                WHERE (old_pnr IS new_pnr AND old_benefit IS new_benefit AND old_fields IS new_fields)
                   OR EXISTS (SELECT 1 FROM temp.held h WHERE h.entity = record_change.entity AND h.id = record_change.id);
            -- A record that moved between persons is filed under its old person too.
            INSERT INTO record_change(pnr, entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields)
                SELECT old_pnr, entity, id, old_pnr, old_benefit, old_fields, new_pnr, new_benefit, new_fields
                FROM record_change WHERE old_pnr IS NOT NULL AND new_pnr IS NOT NULL AND old_pnr <> new_pnr;
            -- The copy: each changed record's newest version (or tombstone) among the recent ones.
            INSERT INTO record_recent(entity, id, pnr, benefit, fields)
                SELECT entity, id, new_pnr, new_benefit, new_fields FROM record_change
                WHERE pnr = COALESCE(new_pnr, old_pnr)
            ON CONFLICT(entity, id) DO UPDATE SET pnr = excluded.pnr, benefit = excluded.benefit, fields = excluded.fields;
            """)
    }

    /// Changed records kept in the change set, each counted once (not again under a person it
    /// moved away from).
    func keptChangeCount() throws -> Int {
        Int(try database.scalarInt("SELECT COUNT(*) FROM record_change WHERE pnr = COALESCE(new_pnr, old_pnr)") ?? 0)
    }
}
