/// Prenum's own database schema, as an ordered list of forward migrations.
///
/// `PRAGMA user_version` counts the migrations applied. Migrations are only ever appended:
/// a released step is never edited, so every installation reaches the same schema.
enum StateSchema {
    static let migrations: [String] = [
        // 1: subscribers, populations, the shared record copy, runs and deliveries.
        """
        CREATE TABLE meta(
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        -- Per subscriber: where its chain of files stands.
        CREATE TABLE subscriber_state(
            subscriber TEXT PRIMARY KEY,
            last_sequence INTEGER NOT NULL DEFAULT 0,
            last_xml_sha256 TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000',
            last_business_date TEXT,
            watermark INTEGER,          -- journal high-water mark its last file was computed at
            profile TEXT,               -- what its last file was computed for (benefits, format, ...)
            refresh_pending INTEGER NOT NULL DEFAULT 0,
            refresh_ordered_at TEXT
        ) WITHOUT ROWID;

        -- One row per subscriber and person. The plain columns are the population as imported;
        -- the delivered_ columns are the population as of the subscriber's last file. `dirty`
        -- marks rows whose two sides may differ, so a delta reads population changes only.
        CREATE TABLE subscription(
            subscriber TEXT NOT NULL,
            pnr TEXT NOT NULL,
            present INTEGER NOT NULL,
            consent INTEGER NOT NULL,
            from_date TEXT,
            delivered_present INTEGER NOT NULL DEFAULT 0,
            delivered_consent INTEGER NOT NULL DEFAULT 0,
            delivered_from_date TEXT,
            dirty INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (subscriber, pnr)
        ) WITHOUT ROWID;
        CREATE INDEX subscription_by_person ON subscription(pnr);
        CREATE INDEX subscription_pending ON subscription(subscriber, pnr) WHERE dirty = 1;

        -- Every population file seen, by content hash, so the same bytes are applied once.
        CREATE TABLE population_file(
            id INTEGER PRIMARY KEY,
            subscriber TEXT NOT NULL,
            file_name TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected', 'duplicate')),
            lines INTEGER NOT NULL,
            bad_lines INTEGER NOT NULL,
            added INTEGER NOT NULL,
            removed INTEGER NOT NULL,
            updated INTEGER NOT NULL,
            received_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX population_file_applied ON population_file(subscriber, sha256) WHERE outcome = 'applied';

        -- The population's history: when each person was added or removed and how consent
        -- and from-date changed.
        CREATE TABLE population_event(
            id INTEGER PRIMARY KEY,
            subscriber TEXT NOT NULL,
            pnr TEXT NOT NULL,
            file_id INTEGER NOT NULL REFERENCES population_file(id),
            event TEXT NOT NULL CHECK (event IN ('added', 'removed', 'changed')),
            consent INTEGER,
            from_date TEXT
        );
        CREATE INDEX population_event_by_person ON population_event(subscriber, pnr);

        -- Persons in at least one population: their records are copied below.
        CREATE TABLE tracked_person(pnr TEXT PRIMARY KEY) WITHOUT ROWID;

        -- The register's records of tracked persons as of the shared watermark: one copy for
        -- all subscribers, so state grows with the register, not with register x subscribers.
        CREATE TABLE record(
            entity INTEGER NOT NULL,
            id INTEGER NOT NULL,
            pnr TEXT NOT NULL,
            benefit TEXT NOT NULL,
            fields TEXT NOT NULL,
            PRIMARY KEY (entity, id)
        ) WITHOUT ROWID;
        CREATE INDEX record_by_person ON record(pnr, entity, id);

        -- The current run's changed records, old and new version (NULL pnr: absent), filed
        -- under each person the change touches: the person it belongs to now (or belonged to,
        -- when it went away), and also its old person when it moved. Clustered by person, so a
        -- delta reads a person's changes as one range and no secondary index is maintained.
        CREATE TABLE record_change(
            pnr TEXT NOT NULL,
            entity INTEGER NOT NULL,
            id INTEGER NOT NULL,
            old_pnr TEXT,
            old_benefit TEXT,
            old_fields TEXT,
            new_pnr TEXT,
            new_benefit TEXT,
            new_fields TEXT,
            PRIMARY KEY (pnr, entity, id)
        ) WITHOUT ROWID;

        -- Persons some subscriber dropped in this run; untracked at its end if nobody has them.
        CREATE TABLE untrack_candidate(pnr TEXT PRIMARY KEY) WITHOUT ROWID;

        CREATE TABLE run(
            id INTEGER PRIMARY KEY,
            business_date TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            base_watermark INTEGER NOT NULL,
            high_water INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('delivering', 'completed')),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            delivered INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0
        );

        CREATE TABLE delivery(
            subscriber TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            run_id INTEGER NOT NULL REFERENCES run(id),
            business_date TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('DELTA', 'FULL')),
            file_name TEXT NOT NULL,
            outbox TEXT NOT NULL,
            xml_sha256 TEXT NOT NULL,
            xml_bytes INTEGER NOT NULL,
            sig_sha256 TEXT NOT NULL,
            key_id TEXT NOT NULL,
            persons INTEGER NOT NULL,
            records INTEGER NOT NULL,
            unsubscribed INTEGER NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('staged', 'published')),
            staged_at TEXT NOT NULL,
            published_at TEXT,
            PRIMARY KEY (subscriber, sequence)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX delivery_per_run ON delivery(run_id, subscriber);

        CREATE TABLE run_failure(
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES run(id),
            subscriber TEXT NOT NULL,
            failed_at TEXT NOT NULL,
            message TEXT NOT NULL
        );
        """,
        // 2: records changed since the copy was last compacted, kept apart from it, so a night
        // appends its changes instead of rewriting pages all over the copy; a slim index of the
        // change set for the deltas' probes.
        """
        -- The newest version of every record changed since the last compaction (pnr NULL: the
        -- record is gone). A row here overrides the record's row in `record`; compaction folds
        -- this table into `record` once it has grown to a fraction of it. A rowid table: a
        -- night's versions are appended in whatever order they come, and only the two slim
        -- indexes take them in key and person order.
        CREATE TABLE record_recent(
            entity INTEGER NOT NULL,
            id INTEGER NOT NULL,
            pnr TEXT,
            benefit TEXT,
            fields TEXT
        );
        CREATE UNIQUE INDEX record_recent_key ON record_recent(entity, id);
        CREATE INDEX record_recent_by_person ON record_recent(pnr, entity, id);
        -- Which persons the run's changes touch, and in which benefits: what every delta probes
        -- its population against, a few bytes per change instead of the change's two versions.
        CREATE INDEX record_change_touch ON record_change(pnr, old_benefit, new_benefit);
        -- Rows in `record`, kept by the statements that change it, so deciding on compaction
        -- needs no count of the whole copy.
        INSERT INTO meta(key, value) SELECT 'copy_rows', COUNT(*) FROM record;
        """,
        // 3: format version 3. Per format-3 subscriber, the count and digest sum of what
        // its recipient holds, per window key date ('' for open cases), so a file's trailer is
        // kept up to date from its changes and the window drops whole dates. And the stored
        // field encoding gained a version tag (payments their registered_at): rows written
        // before it are rewritten by the next snapshot, which can read the register.
        """
        CREATE TABLE fingerprint_bucket(
            subscriber TEXT NOT NULL,
            window_key TEXT NOT NULL,
            records INTEGER NOT NULL,
            sum BLOB NOT NULL,
            PRIMARY KEY (subscriber, window_key)
        ) WITHOUT ROWID;
        INSERT INTO meta(key, value)
            SELECT 'field_encoding_upgrade_owed', '1'
            WHERE EXISTS (SELECT 1 FROM record) OR EXISTS (SELECT 1 FROM record_recent WHERE fields IS NOT NULL);
        """,
        // 4: each applied population file's place in its subscriber's order of
        // application, which also names its copy in the archive (`PopulationArchive`).
        """
        ALTER TABLE population_file ADD COLUMN archive_index INTEGER;
        """,
        // 5: the disclosure index, so `prenum disclosures` reads only what concerns
        // one person: which files carried them, and each subscriber's profile at each file.
        """
        -- A subscriber's profile as it stood at a delivery, kept once per distinct profile.
        CREATE TABLE disclosure_profile(
            id INTEGER PRIMARY KEY,
            subscriber TEXT NOT NULL,
            org_number TEXT NOT NULL,
            name TEXT NOT NULL,
            purpose TEXT NOT NULL,
            legal_basis TEXT NOT NULL,
            format_version INTEGER NOT NULL,
            benefits TEXT NOT NULL,
            UNIQUE (subscriber, org_number, name, purpose, legal_basis, format_version, benefits)
        );
        -- Every delivery file made, under a short number the pairs below refer to.
        CREATE TABLE disclosure_file(
            id INTEGER PRIMARY KEY,
            subscriber TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            business_date TEXT NOT NULL,
            file_name TEXT NOT NULL,
            profile INTEGER NOT NULL,
            UNIQUE (subscriber, sequence)
        );
        -- One row per person a file names (with records or as unsubscribed), clustered by
        -- person: one range read answers a person's disclosures. `offset`: where the person's
        -- element begins in the file (NULL when rebuilt from the archive: the file is streamed).
        CREATE TABLE disclosure(
            pnr TEXT NOT NULL,
            file INTEGER NOT NULL,
            offset INTEGER,
            PRIMARY KEY (pnr, file)
        ) WITHOUT ROWID;
        """,
        // 6: record versions held back at the snapshot because a value in them
        // no delivery format can carry, and how many each run held back.
        """
        -- One row per record whose newest register version is quarantined: the copy keeps its
        -- last good version until upstream corrects it. `pnr` is the person it is filed under
        -- (for explain), never shown by status; field and reason say what upstream must fix.
        CREATE TABLE quarantine(
            entity INTEGER NOT NULL,
            id INTEGER NOT NULL,
            pnr TEXT,
            field TEXT NOT NULL,
            reason TEXT NOT NULL,
            since TEXT NOT NULL,        -- business date of the run that first held it back
            seen TEXT NOT NULL,         -- business date of the last run that read the bad version
            PRIMARY KEY (entity, id)
        ) WITHOUT ROWID;
        CREATE INDEX quarantine_by_person ON quarantine(pnr);
        ALTER TABLE run ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
        """,
        // 7: files held by the brake on mass removals, at most one per subscriber, until
        // the operator releases (published as made) or discards them.
        """
        -- A made and signed file that waits in the subscriber's staging folder. The columns are
        -- the delivery row it becomes when released, and the watermark and profile its
        -- subscriber's position moves to then; `removed` and `kept` say why it was held.
        CREATE TABLE held_delivery(
            subscriber TEXT PRIMARY KEY,
            sequence INTEGER NOT NULL,
            run_id INTEGER NOT NULL REFERENCES run(id),
            business_date TEXT NOT NULL,
            kind TEXT NOT NULL,
            file_name TEXT NOT NULL,
            outbox TEXT NOT NULL,
            xml_sha256 TEXT NOT NULL,
            xml_bytes INTEGER NOT NULL,
            sig_sha256 TEXT NOT NULL,
            key_id TEXT NOT NULL,
            persons INTEGER NOT NULL,
            records INTEGER NOT NULL,
            unsubscribed INTEGER NOT NULL,
            watermark INTEGER NOT NULL,
            profile TEXT NOT NULL,
            removed INTEGER NOT NULL,
            kept INTEGER NOT NULL,
            held_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """,
        // 8: a `full-` file is applied again even with bytes applied before (SPEC
        // section 3), so the same bytes may be applied more than once; still found by them.
        """
        DROP INDEX population_file_applied;
        CREATE INDEX population_file_applied_bytes ON population_file(subscriber, sha256) WHERE outcome = 'applied';
        """,
        // 9: a file's disclosure pairs are first written clustered by file, at the end of the
        // tree, and folded into the person-clustered index in bulk once they are due.
        """
        -- The pairs not yet folded into `disclosure`: a staging transaction appends its file's
        -- pairs here instead of touching every page of the person-ordered index.
        CREATE TABLE disclosure_recent(
            file INTEGER NOT NULL,
            pnr TEXT NOT NULL,
            offset INTEGER,
            PRIMARY KEY (file, pnr)
        ) WITHOUT ROWID;
        INSERT INTO meta(key, value) SELECT 'disclosure_folded_pairs', COUNT(*) FROM disclosure;
        """,
        // 10: the pairs not yet folded are counted as they are added and removed, so deciding
        // on a fold after every run reads one row instead of counting them.
        """
        INSERT INTO meta(key, value) SELECT 'disclosure_recent_pairs', COUNT(*) FROM disclosure_recent;
        """
    ]
}
