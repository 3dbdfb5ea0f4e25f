import CSQLite

/// Process-wide settings of the SQLite library, made once before its first use.
enum SQLiteLibrary {
    /// Applied by the first connection or VFS registration; later calls are free.
    static let configured: Bool = {
        // Connections are never shared between threads, so nothing needs the global
        // allocation statistics, whose mutex every worker would take on every allocation.
        prenum_sqlite3_disable_memory_statistics() == SQLITE_OK
    }()
}
