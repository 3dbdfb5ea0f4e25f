/// What a streaming pass over one delivery file found: the header, the counted elements, the
/// trailer, and every rule the file breaks (in words without a personnummer).
public struct DeliveryFileContent: Sendable {
    /// The `delivery` element's attributes; empty when the root was never reached.
    public var header: [String: String] = [:]
    public var persons = 0
    public var records = 0
    public var unsubscribed = 0
    /// The `trailer` element's attributes; nil when the file has none (truncated, say).
    public var trailer: [String: String]?
    public var problems: [String] = []
}
