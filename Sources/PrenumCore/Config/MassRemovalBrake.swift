/// When a file is held instead of published: one that would take away from a recipient more
/// than `removalPercent` % of the records it holds, for reasons coming from the register.
///
/// LEFI once ran a month early and told every recipient that benefits had stopped; nothing
/// stopped a file that emptied their copies. Ordinary nights remove a fraction of a percent
/// (cancellations, corrections), so a quarter leaves a wide margin either way: a real mass
/// removal is caught, and an ordinary night never waits for an operator.
public struct MassRemovalBrake: Sendable, Equatable {
    /// The share, in percent, above which a file is held (100: never).
    var removalPercent: Int
    /// Files removing fewer records than this are never held: a recipient holding a few dozen
    /// records loses a large share to a handful of cancellations, which is no mass removal and
    /// no reason to wake an operator; its own reconciliation costs less.
    var minimumRecords: Int

    public static let standard = MassRemovalBrake(removalPercent: 25, minimumRecords: 100)
    static let percentRange = 1...100
    static let minimumRange = 1...1_000_000_000

    public init(removalPercent: Int, minimumRecords: Int) {
        self.removalPercent = removalPercent
        self.minimumRecords = minimumRecords
    }

    /// Whether a file taking `removed` records away, of `removed + kept` held, must wait.
    public func holds(removed: Int, kept: Int) -> Bool {
        guard removed >= minimumRecords, removalPercent < 100 else { return false }
        return removed * 100 > removalPercent * (removed + max(0, kept))
    }

    /// Whether a removal this large is worth counting what the recipient keeps (a read of its
    /// whole population): only when it reaches the floor and one removal per hundred persons,
    /// which ordinary nights do not.
    func worthCounting(removed: Int, persons: Int) -> Bool {
        removalPercent < 100 && removed >= minimumRecords && removed * 100 >= persons
    }
}
