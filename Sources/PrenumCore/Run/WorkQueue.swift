import Foundation

/// Items the delivery workers hand each other between the steps of a run, and hand out one
/// at a time within a step.
final class WorkQueue<Item>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Item]
    private var taken = 0

    init(_ items: [Item] = []) {
        stored = items
    }

    func append(_ item: Item) {
        lock.lock()
        defer { lock.unlock() }
        stored.append(item)
    }

    func append(contentsOf items: [Item]) {
        lock.lock()
        defer { lock.unlock() }
        stored.append(contentsOf: items)
    }

    /// The next item not yet handed out, in the order they were added.
    func next() -> Item? {
        lock.lock()
        defer { lock.unlock() }
        guard taken < stored.count else { return nil }
        taken += 1
        return stored[taken - 1]
    }

    var items: [Item] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }
}
