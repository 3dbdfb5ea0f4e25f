import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// The night's DELTA files are written together from one pass over the change set
/// (`ChangeSetScan`), or each from its subscriber's own join of population and changes. The
/// two must write the same files, byte for byte; the mirror tests see only the scan.
final class ChangeSetScanTests: XCTestCase {
    func testTheSharedScanWritesTheFilesEachSubscribersOwnJoinWrites() throws {
        let scanned = try nights(sharedScan: true)
        let own = try nights(sharedScan: false)
        XCTAssertGreaterThan(scanned.scans, 0, "no night took the shared scan")
        XCTAssertEqual(own.scans, 0, "the subscribers' own joins were not taken")
        XCTAssertEqual(scanned.files.keys.sorted(), own.files.keys.sorted())
        let deltas = own.files.keys.filter { $0.hasSuffix("-DELTA.xml") }
        XCTAssertGreaterThan(deltas.count, 20, "too few DELTA files compared to mean anything")
        for (name, text) in own.files {
            XCTAssertTrue(scanned.files[name] == text, "\(name) differs")
        }
    }

    /// Twelve seeded nights with upstream changes, population files, order changes and
    /// refreshes; every published file by name, and how many shared scans wrote DELTAs. Each
    /// workspace has a signing key of its own.
    private func nights(sharedScan: Bool) throws -> (files: [String: String], scans: Int) {
        let world = try SimulationWorkspace.readyForNights(seed: 57)
        if !sharedScan { world.tuning.changeScanSubscribers = 1 }
        try world.runNights(from: SimulationWorkspace.firstNight, count: 12)
        var files: [String: String] = [:]
        for index in world.subscribers.indices {
            for url in world.deliveredFiles(index) {
                files[url.lastPathComponent] = Self.unsigned(try String(contentsOf: url, encoding: .utf8))
            }
        }
        let scans = world.logLines.filter { $0.contains("event=delivery.scanned ") }.count
        return (files, scans)
    }

    /// The file without what its signing key decides: the key's id, and the previous file's
    /// hash, which covers that file's key id.
    private static func unsigned(_ file: String) -> String {
        file.replacingOccurrences(of: #"keyId="[0-9a-f]+""#, with: "keyId", options: .regularExpression)
            .replacingOccurrences(of: #"previousHash="[0-9a-f]+""#, with: "previousHash", options: .regularExpression)
    }
}

/// How the night's DELTAs are shared out over the scans.
final class ChangeScanGroupsTests: XCTestCase {
    func testEveryDeltaGoesToOneGroupNoneOverTheLimitAndTheLoadsAreEven() {
        var random = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let weights = (0..<Int.random(in: 1...400, using: &random)).map { _ in Int.random(in: 0...50_000, using: &random) }
            let count = Int.random(in: 1...4, using: &random)
            let limit = Int.random(in: 1...300, using: &random)
            let groups = SubscriberDeliverer.groups(weights: weights, count: count, limit: limit)
            XCTAssertEqual(groups.flatMap { $0 }.sorted(), Array(weights.indices), "each exactly once")
            XCTAssertTrue(groups.allSatisfy { !$0.isEmpty && $0.count <= limit }, "\(groups.map(\.count)) over \(limit)")
            XCTAssertEqual(groups.count, max(min(count, weights.count), (weights.count + limit - 1) / limit))
            // Unless the limit forced a group full, the loads differ by at most the heaviest item.
            let loads = groups.map { $0.reduce(0) { $0 + weights[$1] + 1 } }
            if groups.allSatisfy({ $0.count < limit }), let heaviest = weights.max() {
                XCTAssertLessThanOrEqual((loads.max() ?? 0) - (loads.min() ?? 0), heaviest + 1, "\(loads)")
            }
        }
        XCTAssertEqual(SubscriberDeliverer.groups(weights: [], count: 2, limit: 10), [])
        XCTAssertEqual(SubscriberDeliverer.groups(weights: [9, 1, 1, 1, 1, 1], count: 2, limit: 10), [[0], [1, 2, 3, 4, 5]])
    }
}
