/// What a finished delivery file is, as the state database records it: the hash and length
/// let a restarted run judge a file on disk by its bytes, and the counts match the trailer.
struct DeliveryFileSummary: Hashable, Sendable {
    /// Lowercase hex SHA-256 of the file's exact bytes (the next file's `previousHash`).
    let sha256: String
    let byteCount: Int64
    let persons: Int
    let records: Int
    let unsubscribed: Int

    init(sha256: String, byteCount: Int64, persons: Int, records: Int, unsubscribed: Int) {
        self.sha256 = sha256
        self.byteCount = byteCount
        self.persons = persons
        self.records = records
        self.unsubscribed = unsubscribed
    }
}
