import PrenumSQLite

/// The continuity check and the preflight read a state file of any age, read-only and before it
/// is migrated, so they ask what it has instead of assuming the latest migration.
extension StateSchema {
    static func tableNames(_ database: Database) throws -> Set<String> {
        var names = Set<String>()
        try database.cached("SELECT name FROM sqlite_schema WHERE type = 'table'").forEachRow { names.insert(try $0.text("name")) }
        return names
    }

    static func columnNames(of table: String, in database: Database) throws -> Set<String> {
        var names = Set<String>()
        try database.cached("SELECT name FROM pragma_table_info(?)").forEachRow([table]) { names.insert(try $0.text("name")) }
        return names
    }
}
