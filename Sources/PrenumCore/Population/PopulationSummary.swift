import Foundation

/// Population figures for `prenum status`: sizes and waiting files, never a person.
public struct PopulationSummary {
    let state: StateDatabase

    public init(state: StateDatabase) {
        self.state = state
    }

    /// Persons currently in each subscriber's population (as imported, whether delivered yet or not).
    public func populationSizes() throws -> [String: Int] {
        var sizes: [String: Int] = [:]
        let statement = try state.database.cached("SELECT subscriber, count(*) FROM subscription WHERE present = 1 GROUP BY subscriber")
        try statement.forEachRow { row in sizes[row.text(0)] = row.int(1) }
        return sizes
    }

    /// Files waiting in the subscriber's inbox: what the next import will look at (dot-files,
    /// which are uploads in progress by convention, and folders are not counted).
    public static func pendingInboxFiles(for subscriber: Subscriber, in configuration: Configuration) -> Int {
        let entries = (try? InboxListing.entries(in: subscriber.inboxFolder(in: configuration))) ?? []
        return entries.filter { $0.kind != .directory }.count
    }
}
