/// One valid line of a population file: a person to add (or update) or to remove.
public struct PopulationLine: Equatable, Sendable {
    public enum Action: String, Sendable {
        case add = "ADD"
        case remove = "REMOVE"
    }

    /// The line's number in the file (the header is line 1).
    public let lineNumber: Int
    public let action: Action
    /// The twelve digits; never logged.
    public let pnr: String
    /// True for `Y`.
    public let consent: Bool
    /// Only records from this date on are delivered for the person; nil for all of the window.
    public let fromDate: CalendarDate?

    public init(lineNumber: Int, action: Action, pnr: String, consent: Bool, fromDate: CalendarDate?) {
        self.lineNumber = lineNumber
        self.action = action
        self.pnr = pnr
        self.consent = consent
        self.fromDate = fromDate
    }
}
