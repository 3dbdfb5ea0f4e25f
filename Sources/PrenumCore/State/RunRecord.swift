/// One nightly run as recorded in state: its date, the time stamped into its files, and the
/// journal positions its snapshot spans.
public struct RunRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case delivering, completed }

    public let id: Int64
    public let businessDate: CalendarDate
    /// Written into every file of the run, so a file made again is byte-identical.
    let createdAt: String
    /// Journal position before this run: subscribers at it can take a delta.
    let baseWatermark: Int64
    /// Journal position of this run's snapshot.
    let highWater: Int64
    public let status: Status
    let startedAt: String
    let finishedAt: String?
    public let delivered: Int
    public let failed: Int
}

/// A subscriber's position in its chain of files.
public struct SubscriberPosition: Sendable, Equatable {
    public let subscriber: String
    public let lastSequence: Int64
    let lastXMLSHA256: String
    let lastBusinessDate: CalendarDate?
    public let watermark: Int64?
    let profile: String?
    let refreshPending: Bool

    public static func initial(_ subscriber: String) -> SubscriberPosition {
        SubscriberPosition(
            subscriber: subscriber, lastSequence: 0, lastXMLSHA256: String(repeating: "0", count: 64),
            lastBusinessDate: nil, watermark: nil, profile: nil, refreshPending: false)
    }
}

/// A delivered (or staged) file pair as recorded when it was made.
public struct DeliveryRecord: Sendable, Equatable {
    /// `held`: made but held by the brake (`held_delivery`), never a row of `delivery`.
    public enum Status: String, Sendable { case staged, published, held }

    public let subscriber: String
    public let sequence: Int64
    let runID: Int64
    public let businessDate: CalendarDate
    public let kind: String
    public let fileName: String
    public let outbox: String
    let xmlSHA256: String
    let xmlBytes: Int64
    let signatureSHA256: String
    public let keyID: String
    public let persons: Int
    public let records: Int
    public let unsubscribed: Int
    public var status: Status

    var signatureFileName: String { fileName + ".sig" }
}
