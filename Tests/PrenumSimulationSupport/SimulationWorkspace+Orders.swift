import Foundation
import PrenumCore
import PrenumSample
import XCTest

extension SimulationWorkspace {
    /// Random changes of what the subscribers order, how they want it, and refreshes.
    func mutateOrders() throws {
        for index in subscribers.indices {
            var subscriber = subscribers[index]
            if random.chance(0.08) {
                let permitted = SimulationWorkspace.categories[subscriber.category]!
                let chosen = permitted.filter { _ in random.chance(0.5) }
                subscriber.benefits = chosen.isEmpty ? [permitted[0]] : chosen
            }
            if random.chance(0.05) { subscriber.formatVersion = subscriber.formatVersion % 3 + 1 }
            if random.chance(0.05) {
                subscriber.purpose = subscriber.purpose == "coordination" ? "claims" : "coordination"
            }
            subscribers[index] = subscriber
            if random.chance(0.05) { try orderRefresh(subscriber.id) }
        }
    }

    /// Whether the subscriber gets files on `day`.
    func isActive(_ index: Int, on day: CalendarDate) -> Bool {
        subscribers[index].terminatedFrom.map { day.description < $0 } ?? true
    }

    /// One night of the long simulations: (after the first) upstream changes, changed orders,
    /// purposes and refreshes, population files; then the run and every recipient's new file.
    func churnNight(_ day: CalendarDate, first: Bool, file: StaticString = #filePath, line: UInt = #line) throws {
        if !first {
            try chaos.advance(on: day, operations: 30, &random)
            try mutateOrders()
            for index in subscribers.indices where random.chance(0.6) {
                try dropPopulationFile(for: index, day: day, full: random.chance(0.1), lines: Int.random(in: 1...6, using: &random))
            }
        }
        try writeConfiguration()
        let report = try run(day)
        XCTAssertEqual(report.exitCode, .ok, "\(day): \(report.subscribers.compactMap(\.message))", file: file, line: line)
        for index in subscribers.indices {
            try collect(index, expectNew: isActive(index, on: day) ? 1 : 0, file: file, line: line)
        }
    }
}
