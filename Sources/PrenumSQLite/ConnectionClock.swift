import CSQLite

/// A clock that SQLite reads instead of the system's, for connections opened with it: their
/// `'now'` (triggers and defaults included) is whatever time the owner set, while every other
/// connection keeps the real clock. The sample generator is the one user (see
/// docs/SAMPLE-DATA.md); the mechanism stays here because it is SQLite's C API.
///
/// SQLite takes `'now'` from its VFS, so the clock is a copy of the default VFS whose time
/// methods read the value set here; every other VFS method is the default one, untouched.
public final class ConnectionClock {
    /// The VFS copy followed by the clock value, in one allocation, so that the C callbacks
    /// find the time from the VFS pointer they are given.
    private let storage: UnsafeMutableRawPointer
    private let name: UnsafeMutablePointer<CChar>
    /// The VFS name to pass to `sqlite3_open_v2`.
    let vfsName: String

    private static let timeOffset = MemoryLayout<sqlite3_vfs>.stride
    /// Milliseconds from the Julian day epoch to 1970-01-01, as SQLite counts time.
    private static let unixEpochJulianMilliseconds: Int64 = 210_866_760_000_000

    public init(unixSeconds: Int64 = 0) throws {
        _ = SQLiteLibrary.configured
        guard let base = sqlite3_vfs_find(nil) else {
            throw SQLiteError(resultCode: SQLITE_ERROR, message: "SQLite has no default VFS to base a connection clock on")
        }
        storage = UnsafeMutableRawPointer.allocate(byteCount: Self.timeOffset + 8, alignment: 16)
        vfsName = "prenum-connection-clock-\(UInt(bitPattern: storage))"
        let characters = vfsName.utf8CString
        let name = UnsafeMutablePointer<CChar>.allocate(capacity: characters.count)
        name.initialize(from: Array(characters), count: characters.count)
        self.name = name
        var vfs = base.pointee
        vfs.zName = UnsafePointer(name)
        vfs.pNext = nil
        vfs.xCurrentTime = { vfs, out in
            guard let vfs, let out else { return SQLITE_ERROR }
            out.pointee = Double(ConnectionClock.julianMilliseconds(vfs)) / 86_400_000.0
            return SQLITE_OK
        }
        vfs.xCurrentTimeInt64 = { vfs, out in
            guard let vfs, let out else { return SQLITE_ERROR }
            out.pointee = ConnectionClock.julianMilliseconds(vfs)
            return SQLITE_OK
        }
        storage.initializeMemory(as: sqlite3_vfs.self, repeating: vfs, count: 1)
        (storage + Self.timeOffset).initializeMemory(as: Int64.self, repeating: 0, count: 1)
        let code = sqlite3_vfs_register(storage.assumingMemoryBound(to: sqlite3_vfs.self), 0)
        guard code == SQLITE_OK else {
            name.deallocate()
            storage.deallocate()
            throw SQLiteError(resultCode: code, message: "cannot register the connection clock")
        }
        self.unixSeconds = unixSeconds
    }

    deinit {
        sqlite3_vfs_unregister(storage.assumingMemoryBound(to: sqlite3_vfs.self))
        name.deallocate()
        storage.deallocate()
    }

    /// The time its connections read, in whole seconds since 1970-01-01T00:00:00Z.
    public var unixSeconds: Int64 {
        get { ((storage + Self.timeOffset).load(as: Int64.self) - Self.unixEpochJulianMilliseconds) / 1000 }
        set { (storage + Self.timeOffset).storeBytes(of: newValue * 1000 + Self.unixEpochJulianMilliseconds, as: Int64.self) }
    }

    private static func julianMilliseconds(_ vfs: UnsafeMutablePointer<sqlite3_vfs>) -> Int64 {
        (UnsafeMutableRawPointer(vfs) + timeOffset).load(as: Int64.self)
    }
}
