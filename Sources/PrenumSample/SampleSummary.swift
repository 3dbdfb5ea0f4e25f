import PrenumCore

/// What `SampleRegister.create` wrote.
public struct SampleSummary: Sendable, Equatable {
    public let persons: Int
    public let coordinationNumbers: Int
    public let historyFrom: CalendarDate
    public let until: CalendarDate
    public let writes: SampleWriteCounts
    public let journalRows: Int64
    public let fileBytes: Int64
}

/// What `SampleRegister.advance` wrote for one simulated day.
public struct SampleDaySummary: Sendable, Equatable {
    public let date: CalendarDate
    public let seed: UInt64
    public let writes: SampleWriteCounts
    /// `change_log` rows added, all by the triggers.
    public let journalRows: Int64
    /// The journal range the day added: `firstSeq...lastSeq` (empty when nothing changed).
    public let firstSeq: Int64
    public let lastSeq: Int64
}
