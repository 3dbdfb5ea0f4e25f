import PrenumCore

extension Command {
    /// A window of business dates that ends before it starts, refused before anything is opened.
    static func validateWindow(from: CalendarDate?, to: CalendarDate?) throws {
        if let from, let to, from > to { throw usageError("--from \(from) is after --to \(to)") }
    }
}
