/// The change one file makes to what its recipient holds, as count and digest sum per window
/// key date (a payment's date, a closed case's closing day, "" for an open case).
///
/// Kept per date so that the state can drop whole dates as the window passes them: a record
/// that leaves the window leaves the fingerprint without being read again.
final class FingerprintTally {
    /// The key of records that never leave the window (open cases).
    static let openKey = ""

    public private(set) var buckets: [String: MirrorFingerprint] = [:]

    init() {}

    /// The recipient now holds `version` (filed under `version.pnr`).
    func add(_ version: RecordVersion) {
        buckets[Self.key(of: version), default: .empty].add(CanonicalRecordText.fingerprint(of: version))
    }

    /// The recipient no longer holds `version`.
    func remove(_ version: RecordVersion) {
        buckets[Self.key(of: version), default: .empty].subtract(CanonicalRecordText.fingerprint(of: version))
    }

    /// The sum over every date.
    var total: MirrorFingerprint {
        buckets.values.reduce(into: MirrorFingerprint.empty) { $0.add($1) }
    }

    static func key(of version: RecordVersion) -> String { version.windowKey ?? openKey }
}
