import Foundation

/// Population figures for `prenum status`: sizes and waiting files, never a person.
struct PopulationSummary {
    let state: StateDatabase

    init(state: StateDatabase) {
        self.state = state
    }

    /// Persons currently in each subscriber's population (as imported, whether delivered yet or not).
    func populationSizes() throws -> [String: Int] {
        try SubscriptionStore(database: state.database).presentCounts()
    }

    /// Files waiting in the subscriber's inbox: what the next import will look at (dot-files,
    /// which are uploads in progress by convention, and folders are not counted).
    static func pendingInboxFiles(for subscriber: Subscriber, in configuration: Configuration) -> Int {
        let entries = (try? InboxListing.entries(in: subscriber.inboxFolder(in: configuration))) ?? []
        return entries.filter { $0.kind != .directory }.count
    }
}
