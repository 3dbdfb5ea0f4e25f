import Foundation
import PrenumCore
import PrenumCrypto
import PrenumSample
import XCTest

/// A small driver for the operations tests (rerun, verify, apply, status, metrics, recipient
/// script): simulated nights with upstream changes, population files and order changes.
extension SimulationWorkspace {
    static let firstNight = CalendarDate("2026-03-01")!

    /// A workspace with a history before `firstNight` and every subscriber's first population
    /// file dropped. More history than the base workspace, and a window that slides over part of
    /// it, so mirrors are not near empty and records leave the window during the nights.
    static func readyForNights(seed: UInt64, persons: Int = 60) throws -> SimulationWorkspace {
        let world = try SimulationWorkspace(seed: seed, persons: persons)
        world.historyDays = 90
        for _ in 0..<400 { try world.chaos.insertPayment(on: firstNight, &world.random) }
        for _ in 0..<100 { try world.chaos.insertCase(on: firstNight, &world.random) }
        try world.writeConfiguration()
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: firstNight, full: true, lines: 40)
        }
        return world
    }

    /// A workspace after `nights` runs from `firstNight`; every run must succeed.
    static func afterNights(
        seed: UInt64, nights: Int, persons: Int = 60, orderChanges: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> SimulationWorkspace {
        let world = try readyForNights(seed: seed, persons: persons)
        try world.runNights(from: firstNight, count: nights, orderChanges: orderChanges, file: file, line: line)
        return world
    }

    /// The business date of the `n`-th night (0-based).
    static func night(_ n: Int) -> CalendarDate { firstNight.adding(days: n) }

    /// Runs `count` nights starting at `day`; after the first night of a fresh workspace each
    /// night brings upstream changes, population files and, optionally, changed orders.
    func runNights(
        from day: CalendarDate, count: Int, orderChanges: Bool = true,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for offset in 0..<count {
            let today = day.adding(days: offset)
            if today > Self.firstNight {
                try chaos.advance(on: today, operations: 30, &random)
                for index in subscribers.indices where random.chance(0.6) {
                    try dropPopulationFile(for: index, day: today, full: random.chance(0.1), lines: Int.random(in: 1...6, using: &random))
                }
                if orderChanges {
                    for index in subscribers.indices {
                        if random.chance(0.08) {
                            let permitted = Self.categories[subscribers[index].category]!
                            let chosen = permitted.filter { _ in random.chance(0.5) }
                            subscribers[index].benefits = chosen.isEmpty ? [permitted[0]] : chosen
                        }
                        if random.chance(0.05) { subscribers[index].formatVersion = subscribers[index].formatVersion % 3 + 1 }
                        if random.chance(0.04) { try orderRefresh(subscribers[index].id) }
                    }
                }
                try writeConfiguration()
            }
            let report = try run(today)
            XCTAssertEqual(report.exitCode, .ok, "\(today): \(report.subscribers.compactMap(\.message))", file: file, line: line)
        }
    }

    /// The subscriber's published `.xml` files in its outbox, in sequence order.
    func deliveredFiles(_ index: Int) -> [URL] {
        let folder = outboxFolder(subscribers[index])
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".xml") }.sorted().map { folder.appendingPathComponent($0) }
    }

    /// A fresh folder under the workspace with copies of the given files and their signatures.
    func copyFiles(_ files: [URL], to name: String) throws -> URL {
        let folder = root.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for url in files {
            for source in [url, URL(fileURLWithPath: url.path + ".sig")] {
                try FileManager.default.copyItem(at: source, to: folder.appendingPathComponent(source.lastPathComponent))
            }
        }
        return folder
    }

    /// Signs a file again with the workspace's key, as if Prenum had made these bytes.
    func resign(_ url: URL) throws {
        let key = try SigningKey.load(pemPath: root.appendingPathComponent("keys/private.pem").path)
        try Data(try key.signFile(path: url.path)).write(to: URL(fileURLWithPath: url.path + ".sig"))
    }

    var publicKeyPath: String { root.appendingPathComponent("keys/public.pem").path }
}

extension SimulationWorkspace {
    /// Like `afterNights` without order changes, but every subscriber's file is collected into
    /// its mirror night by night, so the population checks see each file's own night.
    static func collectingNights(seed: UInt64, nights: Int, file: StaticString = #filePath, line: UInt = #line) throws
        -> SimulationWorkspace
    {
        let world = try readyForNights(seed: seed)
        for night in 0..<nights {
            try world.runNights(from: Self.night(night), count: 1, orderChanges: false, file: file, line: line)
            for index in world.subscribers.indices { try world.collect(index, expectNew: 1, file: file, line: line) }
        }
        return world
    }
}
