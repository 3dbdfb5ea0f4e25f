import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// Nothing leaks: over random configurations (what each category may receive, what each
/// subscriber orders, its purpose and format, populations with and without consent, and all of
/// these changing between nights) no file holds a person outside its subscriber's population,
/// a benefit outside its permitted and ordered set, or a record of a person without the
/// consent its purpose needs. `SimulationWorkspace.collect` checks every file for that and
/// `assertMirror` every recipient's copy; this test draws the worlds. Files and folders are
/// created with restrictive modes whatever the umask, and no log carries a personnummer.
final class ConfidentialityTests: XCTestCase {
    static let categoryNames = ["insurance", "municipality", "enforcement", "pension", "agency"]
    static let purposes = ["coordination", "risk_assessment", "pension_forecast", "claims"]

    func testRandomConfigurationsNeverLeakAPersonABenefitOrAWithheldConsent() throws {
        for seed: UInt64 in 1...6 {
            try checkRandomWorld(seed: seed, nights: 5)
        }
    }

    /// A non-empty random subset of `items`, in random order.
    static func someOf(_ items: [String], _ random: inout SeededRandom) -> [String] {
        let chosen = items.shuffled(using: &random).filter { _ in random.chance(0.5) }
        return chosen.isEmpty ? [random.pick(items)] : chosen
    }

    static func drawCategories(_ random: inout SeededRandom) -> [String: [String]] {
        Dictionary(uniqueKeysWithValues: categoryNames.map { ($0, someOf(RegisterChaos.benefits, &random).sorted()) })
    }

    private func checkRandomWorld(seed: UInt64, nights: Int) throws {
        let world = try SimulationWorkspace(seed: 7_000 + seed)
        world.categories = Self.drawCategories(&world.random)
        world.subscribers = (0..<Int.random(in: 3...7, using: &world.random)).map { number in
            let category = world.random.pick(Self.categoryNames)
            return SimulatedSubscriber(
                id: "s\(seed)-\(number)", category: category,
                benefits: Self.someOf(world.categories[category]!, &world.random),
                purpose: world.random.pick(Self.purposes), formatVersion: Int.random(in: 1...3, using: &world.random))
        }
        try world.writeConfiguration()
        var day = CalendarDate("2026-04-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 30) }
        for night in 0..<nights {
            if night > 0 {
                day = day.adding(days: 1)
                try world.chaos.advance(on: day, operations: 40, &world.random)
                // Orders change first: a list is read under the purpose in force when it is imported.
                redraw(world)
                for index in world.subscribers.indices where world.random.chance(0.7) {
                    try world.dropPopulationFile(for: index, day: day, lines: Int.random(in: 1...8, using: &world.random))
                }
            }
            try world.writeConfiguration()
            let report = try world.run(day)
            XCTAssertEqual(report.exitCode, .ok, "seed \(seed) \(day): \(report.subscribers.compactMap(\.message))")
            for index in world.subscribers.indices {
                try world.collect(index, expectNew: 1)
                try world.assertMirror(index, on: day)
            }
        }
        let log = world.logLines.joined()
        XCTAssertFalse(log.contains("[pnr]"), "a log line tried to carry a personnummer")
        XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(log), "the log holds something shaped like a personnummer")
    }

    /// Between nights: the law's categories, the orders, the purposes (so persons added without
    /// consent may suddenly need it) and the formats change at random, always staying valid.
    private func redraw(_ world: SimulationWorkspace) {
        if world.random.chance(0.3) { world.categories = Self.drawCategories(&world.random) }
        for index in world.subscribers.indices {
            var subscriber = world.subscribers[index]
            let permitted = world.categories[subscriber.category]!
            subscriber.benefits = subscriber.benefits.filter(permitted.contains)
            if subscriber.benefits.isEmpty || world.random.chance(0.2) { subscriber.benefits = Self.someOf(permitted, &world.random) }
            if world.random.chance(0.2) { subscriber.purpose = world.random.pick(Self.purposes) }
            if world.random.chance(0.1) { subscriber.formatVersion = subscriber.formatVersion % 3 + 1 }
            world.subscribers[index] = subscriber
        }
    }

    /// Under umask 000, so only Prenum's own modes count: delivery files, signatures, receipts,
    /// archive copies and the state database 0640 at most, folders 0750 at most, the private
    /// key 0600.
    func testOutputsAreCreatedWithRestrictiveModesWhateverTheUmask() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: 7_100)
        try world.writeConfiguration()
        let day = CalendarDate("2026-04-01")!
        for index in world.subscribers.indices { try world.dropPopulationFile(for: index, day: day, full: true, lines: 20) }
        try world.dropPopulationFile(for: 0, day: day, invalid: true, lines: 3)
        for folder in ["outbox", "archive", "moved"] { try FileManager.default.removeItem(at: world.root.appendingPathComponent(folder)) }

        let run = try ProcessRunner.prenum(["run", "--date", day.description], in: world.root, shell: "umask 000; exec")
        XCTAssertEqual(run.status, 0, run.errorOutput)
        let keys = world.root.appendingPathComponent("new-keys").path
        let generated = try ProcessRunner.prenum(
            ["keys", "generate", "--out", keys], in: world.root, configured: false, shell: "umask 000; exec")
        XCTAssertEqual(generated.status, 0, generated.errorOutput)
        for outcome in [run, generated] {
            XCTAssertFalse((outcome.output + outcome.errorOutput).contains("[pnr]"))
            XCTAssertFalse(PersonnummerRedaction.containsPersonnummer(outcome.output + outcome.errorOutput))
        }

        XCTAssertEqual(try mode(keys + "/signing-private.pem"), 0o600)
        XCTAssertEqual(try mode(world.root.appendingPathComponent("state.db").path), 0o640)
        var checked = (files: 0, folders: 0, deliveries: 0)
        for folder in ["outbox", "archive", "moved", "inbox"] {
            let base = world.root.appendingPathComponent(folder).path
            if folder != "inbox" { XCTAssertEqual(try mode(base), 0o750, base) }
            let walker = try XCTUnwrap(FileManager.default.enumerator(atPath: base))
            for case let relative as String in walker {
                let path = base + "/" + relative
                let isFolder = (try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeDirectory
                // In the inbox the subscribers' folders and files are not Prenum's; the
                // processed/ and rejected/ folders and the rejection reports are.
                let name = (relative as NSString).lastPathComponent
                if folder == "inbox" && !(["processed", "rejected"].contains(name) || name.hasSuffix(".report.txt")) { continue }
                let actual = try mode(path)
                if isFolder {
                    checked.folders += 1
                    XCTAssertEqual(actual, 0o750, "\(folder)/\(relative)")
                } else {
                    checked.files += 1
                    if relative.hasSuffix(".xml") || relative.hasSuffix(".sig") { checked.deliveries += 1 }
                    XCTAssertEqual(actual, 0o640, "\(folder)/\(relative)")
                }
            }
        }
        XCTAssertGreaterThanOrEqual(
            checked.deliveries, 2 * 2 * world.subscribers.count, "outbox and archive copies of every file and signature")
        XCTAssertGreaterThan(checked.folders, world.subscribers.count * 2)
    }

    func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw NSError(domain: "mode", code: Int(errno), userInfo: [NSLocalizedDescriptionKey: path]) }
        return info.st_mode & 0o7777
    }
}
