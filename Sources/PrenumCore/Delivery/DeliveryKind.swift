/// Whether a file carries changes since the previous file or replaces everything the
/// recipient holds.
public enum DeliveryKind: String, Sendable, CaseIterable {
    case delta = "DELTA"
    case full = "FULL"
}
