import PrenumSQLite

/// The register's schema as SPEC section 1 fixes it: five tables with exactly the listed
/// columns, plus the journal triggers the upstream systems rely on.
///
/// Prenum never writes the register; the DDL ships so that tests and the sample generator
/// create registers that look exactly like the real one, triggers included, and so that the
/// journal is produced the way upstream produces it rather than written by hand.
public enum RegisterSchema {
    /// The timestamp the triggers stamp into `change_log.changed_at`. SQLite reads `now`
    /// from its VFS clock, which the sample generator replaces with a simulated one.
    static let journalTimestamp = "strftime('%Y-%m-%dT%H:%M:%SZ','now')"

    /// Tables, indexes and triggers, in one script.
    static let ddl: String = """
        CREATE TABLE benefit (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            family TEXT NOT NULL
        );
        CREATE TABLE payment (
            id INTEGER PRIMARY KEY,
            pnr TEXT NOT NULL,
            benefit TEXT NOT NULL REFERENCES benefit(code),
            company TEXT NOT NULL,
            status TEXT NOT NULL,
            period_from TEXT,
            period_to TEXT,
            payment_date TEXT NOT NULL,
            gross_ore INTEGER NOT NULL,
            tax_ore INTEGER NOT NULL,
            registered_at TEXT NOT NULL
        );
        CREATE TABLE payment_deduction (
            payment_id INTEGER NOT NULL REFERENCES payment(id),
            kind TEXT NOT NULL,
            amount_ore INTEGER NOT NULL,
            PRIMARY KEY (payment_id, kind)
        );
        CREATE TABLE benefit_case (
            id INTEGER PRIMARY KEY,
            pnr TEXT NOT NULL,
            benefit TEXT NOT NULL,
            decision TEXT NOT NULL,
            opened_on TEXT NOT NULL,
            closed_on TEXT,
            extent_pct INTEGER,
            daily_amount_ore INTEGER
        );
        CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            entity TEXT NOT NULL,
            entity_id INTEGER NOT NULL,
            op TEXT NOT NULL,
            changed_at TEXT NOT NULL
        );

        CREATE INDEX payment_pnr ON payment(pnr);
        CREATE INDEX benefit_case_pnr ON benefit_case(pnr);
        CREATE INDEX payment_preliminary ON payment(id) WHERE status = 'preliminary';

        \(RecordKind.allCases.map(journalTriggers).joined(separator: "\n"))

        """

    /// The triggers journaling `kind`'s table and its child tables: a child row's change is an
    /// update of the record it belongs to.
    private static func journalTriggers(_ kind: RecordKind) -> String {
        ([journalTriggers(table: kind.registerTable, entity: kind.journalName)]
            + kind.childTables.map { journalTriggers(child: $0.table, recordColumn: $0.recordColumn, entity: kind.journalName) })
            .joined(separator: "\n")
    }

    private static func journalTriggers(child table: String, recordColumn key: String, entity: String) -> String {
        """
        CREATE TRIGGER \(table)_journal_insert AFTER INSERT ON \(table) BEGIN
            INSERT INTO change_log(entity, entity_id, op, changed_at) VALUES ('\(entity)', NEW.\(key), 'U', \(journalTimestamp));
        END;
        CREATE TRIGGER \(table)_journal_update AFTER UPDATE ON \(table) BEGIN
            INSERT INTO change_log(entity, entity_id, op, changed_at) VALUES ('\(entity)', NEW.\(key), 'U', \(journalTimestamp));
            INSERT INTO change_log(entity, entity_id, op, changed_at)
                SELECT '\(entity)', OLD.\(key), 'U', \(journalTimestamp) WHERE OLD.\(key) <> NEW.\(key);
        END;
        CREATE TRIGGER \(table)_journal_delete AFTER DELETE ON \(table) BEGIN
            INSERT INTO change_log(entity, entity_id, op, changed_at) VALUES ('\(entity)', OLD.\(key), 'U', \(journalTimestamp));
        END;
        """
    }

    /// One trigger per operation; an update that moves a row to another id journals both.
    private static func journalTriggers(table: String, entity: String) -> String {
        """
        CREATE TRIGGER \(table)_journal_insert AFTER INSERT ON \(table) BEGIN
            INSERT INTO change_log(entity, entity_id, op, changed_at) VALUES ('\(entity)', NEW.id, 'I', \(journalTimestamp));
        END;
        CREATE TRIGGER \(table)_journal_update AFTER UPDATE ON \(table) BEGIN
            INSERT INTO change_log(entity, entity_id, op, changed_at) VALUES ('\(entity)', NEW.id, 'U', \(journalTimestamp));
        END;
        CREATE TRIGGER \(table)_journal_delete AFTER DELETE ON \(table) BEGIN
            INSERT INTO change_log(entity, entity_id, op, changed_at) VALUES ('\(entity)', OLD.id, 'D', \(journalTimestamp));
        END;
        """
    }

    /// The benefit codes SPEC section 1 names, with their family (the agency's grouping).
    static let benefitCatalogue: [(code: String, name: String, family: String)] = [
        ("SJP", "Sjukpenning", "sickness"),
        ("FP", "Föräldrapenning", "family"),
        ("TFP", "Tillfällig föräldrapenning", "family"),
        ("AKS", "Aktivitetsstöd", "labour_market"),
        ("UTV", "Utvecklingsersättning", "labour_market"),
        ("ETE", "Etableringsersättning", "labour_market"),
        ("BOB", "Bostadsbidrag", "family"),
        ("BB", "Förlängt barnbidrag", "family"),
        ("ASS", "Assistansersättning", "disability"),
        ("OMV", "Omvårdnadsbidrag", "disability"),
        ("MKE", "Merkostnadsersättning", "disability"),
        ("SA", "Sjukersättning", "sickness"),
        ("AE", "Aktivitetsersättning", "sickness")
    ]

    /// Creates the tables, indexes and triggers and fills the benefit catalogue, in one
    /// transaction, in an empty database.
    public static func create(in database: Database) throws {
        try database.transaction {
            try database.execute(ddl)
            let insert = try database.cached("INSERT INTO benefit(code, name, family) VALUES (?, ?, ?)")
            for benefit in benefitCatalogue {
                try insert.bind(benefit.code, at: 1)
                try insert.bind(benefit.name, at: 2)
                try insert.bind(benefit.family, at: 3)
                try insert.runToCompletion()
            }
        }
    }
}
