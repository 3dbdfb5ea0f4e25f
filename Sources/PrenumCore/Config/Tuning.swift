import Foundation

/// Operational tuning the operator sets outside the configuration file (the executable reads it
/// from `PRENUM_*` variables, docs/OPERATIONS.md). Values only: the core never reads the environment.
public struct Tuning: Sendable {
    /// The look before population files are read (`InboxLook`).
    public var inboxLookSeconds: TimeInterval
    /// How many subscribers are delivered at once; nil: a few more than the cores.
    public var deliveryWorkers: Int?

    public init(inboxLookSeconds: TimeInterval = InboxLook.defaultSeconds, deliveryWorkers: Int? = nil) {
        self.inboxLookSeconds = inboxLookSeconds
        self.deliveryWorkers = deliveryWorkers
    }

    public static let standard = Tuning()
}
