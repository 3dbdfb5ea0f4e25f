/// What applying one population file did, as told to the subscriber in its receipt.
public struct PopulationCounts: Codable, Equatable, Sendable {
    /// Lines after the header.
    public var lines = 0
    /// Persons newly in the population (or back after a removal).
    public var added = 0
    public var removed = 0
    /// Persons already present whose consent or from-date changed.
    public var updated = 0
    /// ADD lines for persons already present with the same consent and from-date.
    public var unchanged = 0
    /// REMOVE lines for persons not in the population: harmless, but worth telling.
    public var notSubscribed = 0
    public var badLines = 0

    public init(
        lines: Int = 0, added: Int = 0, removed: Int = 0, updated: Int = 0, unchanged: Int = 0,
        notSubscribed: Int = 0, badLines: Int = 0
    ) {
        self.lines = lines
        self.added = added
        self.removed = removed
        self.updated = updated
        self.unchanged = unchanged
        self.notSubscribed = notSubscribed
        self.badLines = badLines
    }
}
