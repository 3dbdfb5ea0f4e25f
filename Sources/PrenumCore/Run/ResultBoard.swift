import Foundation

/// Hands out subscriber indexes to the workers and collects their results in config order.
final class ResultBoard: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private var done = 0
    private var slots: [RunReport.SubscriberResult?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func nextIndex() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    /// Records a result; returns how many subscribers are done.
    @discardableResult
    func set(_ index: Int, _ result: RunReport.SubscriberResult) -> Int {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = result
        done += 1
        return done
    }

    var results: [RunReport.SubscriberResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
