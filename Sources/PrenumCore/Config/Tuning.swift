import Foundation

/// Operational tuning the operator sets outside the configuration file (the executable reads it
/// from `PRENUM_*` variables, docs/OPERATIONS.md). Values only: the core never reads the environment.
public struct Tuning: Sendable {
    /// The look before population files are read (`InboxLook`).
    public var inboxLookSeconds: TimeInterval
    /// How many subscribers are delivered at once; nil: a few more than the cores.
    public var deliveryWorkers: Int?
    /// How many bad versions the snapshot's parallel quality check hands over before the
    /// snapshot classifies them on its own connection instead (`JournaledVersionCheck`): bounds
    /// the check's memory. Not set by the operator; tests lower it to take the other path.
    public var versionCheckFlaggedLimit: Int

    public init(
        inboxLookSeconds: TimeInterval = InboxLook.defaultSeconds, deliveryWorkers: Int? = nil,
        versionCheckFlaggedLimit: Int = Tuning.defaultVersionCheckFlaggedLimit
    ) {
        self.inboxLookSeconds = inboxLookSeconds
        self.deliveryWorkers = deliveryWorkers
        self.versionCheckFlaggedLimit = versionCheckFlaggedLimit
    }

    public static let defaultVersionCheckFlaggedLimit = 50_000

    public static let standard = Tuning()
}
