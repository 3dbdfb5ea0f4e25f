import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// SPEC section 4, "Format versions", at its edges: the release day, the day support ends, a
/// newer release ending the oldest at once, a 29 February release; the configuration's checks;
/// and the run refusing (78) a subscriber on a version not served.
final class FormatLifecycleTests: XCTestCase {
    static func date(_ text: String) -> CalendarDate { CalendarDate(text)! }

    static let lefi = FormatLifecycle(releases: [.v1: date("2025-01-01"), .v2: date("2025-10-01"), .v3: date("2026-11-15")])

    func served(_ lifecycle: FormatLifecycle, _ day: String) -> [Int] {
        lifecycle.served(on: Self.date(day)).map(\.version.number)
    }

    func testReleaseDayAndTheDaySupportEnds() {
        // The day before 3's release: 2 is current and 1's year after 2's release is over.
        XCTAssertEqual(served(Self.lefi, "2026-11-14"), [2])
        XCTAssertEqual(served(Self.lefi, "2026-11-15"), [2, 3], "the release day serves the new version")
        XCTAssertEqual(Self.lefi.served(on: Self.date("2026-11-15")).first?.supportEnds, Self.date("2027-11-15"))
        XCTAssertEqual(served(Self.lefi, "2027-11-14"), [2, 3])
        XCTAssertEqual(served(Self.lefi, "2027-11-15"), [3], "the anniversary is the day support ends")
        XCTAssertEqual(served(Self.lefi, "2025-10-01"), [1, 2])
        XCTAssertEqual(served(Self.lefi, "2024-12-31"), [], "nothing released yet")
    }

    func testANewerReleaseEndsTheOldestAtOnce() {
        let quick = FormatLifecycle(releases: [.v1: Self.date("2026-01-01"), .v2: Self.date("2026-06-01"), .v3: Self.date("2026-09-01")])
        XCTAssertEqual(served(quick, "2026-08-31"), [1, 2])
        XCTAssertEqual(served(quick, "2026-09-01"), [2, 3], "1 ends on 3's release day, before 2's anniversary")
    }

    func testTwentyNinthOfFebruaryReleaseEndsItsPredecessorOnTheFirstOfMarch() {
        let leap = FormatLifecycle(releases: [.v2: Self.date("2027-01-01"), .v3: Self.date("2028-02-29")])
        XCTAssertEqual(FormatLifecycle.anniversary(of: Self.date("2028-02-29")), Self.date("2029-03-01"))
        XCTAssertEqual(served(leap, "2029-02-28"), [2, 3])
        XCTAssertEqual(served(leap, "2029-03-01"), [3])
    }

    func testWithoutReleasesEveryVersionIsServedAndNothingEnds() {
        XCTAssertEqual(served(.everyVersionServed, "2030-01-01"), FormatVersion.allCases.map(\.number))
        let subscriber = Self.subscriber(.v1)
        XCTAssertNil(FormatLifecycle.everyVersionServed.warning(for: subscriber, on: Self.date("2030-01-01")))
    }

    func testWarningsStartNinetyDaysBeforeSupportEndsAndNameTheDay() throws {
        let subscriber = Self.subscriber(.v2)
        XCTAssertNil(Self.lefi.warning(for: subscriber, on: Self.date("2027-08-16")))
        let warning = try XCTUnwrap(Self.lefi.warning(for: subscriber, on: Self.date("2027-08-17")))
        XCTAssertEqual(warning.supportEnds, Self.date("2027-11-15"))
        XCTAssertTrue(warning.description.contains("2027-11-15"), warning.description)
        XCTAssertNotNil(Self.lefi.warning(for: subscriber, on: Self.date("2027-11-14")))
        XCTAssertNil(Self.lefi.warning(for: Self.subscriber(.v3), on: Self.date("2027-11-14")), "the current version has no end")
    }

    func testASubscriberOnAVersionNotServedIsAConfigurationProblem() {
        let configuration = Configuration(
            configPath: "prenum.json", folder: "/", register: "r", stateDatabase: "s", inbox: "i",
            outbox: "o", archive: "a", signingKey: "k", categoriesPath: "c", historyDays: 400,
            timeZone: TimeZone(identifier: "UTC")!, subscribers: [Self.subscriber(.v3), Self.subscriber(.v1)],
            categories: [:], formatLifecycle: Self.lefi)
        let problems = Self.lefi.problems(for: configuration, on: Self.date("2026-11-15"))
        XCTAssertEqual(problems.map(\.field), ["subscribers[1].formatVersion"])
        XCTAssertTrue(problems[0].expected.contains("2 or 3"), problems[0].description)
        XCTAssertTrue(
            Self.lefi.problems(for: configuration, on: Self.date("2025-10-01")).map(\.field) == ["subscribers[0].formatVersion"],
            "3 is not served before its release")
    }

    func testFormatReleasesAreValidated() throws {
        let world = try SimulationWorkspace(seed: 3)
        world.formatReleases = ["1": "2025-01-01", "2": "2024-06-01", "4": "2027-01-01", "3": "not a date"]
        try world.writeConfiguration()
        XCTAssertThrowsError(try ConfigurationLoader.load(path: world.configPath)) { error in
            let fields = (error as? ConfigurationError)?.problems.map(\.field) ?? []
            XCTAssertEqual(Set(fields), ["formatReleases.2", "formatReleases.3", "formatReleases.4"], "\(error)")
            XCTAssertEqual((error as? ConfigurationError)?.exitCode, .configuration)
        }
        world.formatReleases = ["2": "2025-10-01", "3": "2026-11-15"]
        try world.writeConfiguration()
        XCTAssertEqual(try ConfigurationLoader.load(path: world.configPath).formatLifecycle.releases?[.v3], Self.date("2026-11-15"))
    }

    /// The binary: a subscriber on a version whose support ended stops the whole run with 78,
    /// writing no state; near the end, the log and the receipts name the day support ends.
    func testTheRunRefusesAVersionNotServedAndWarnsBeforeSupportEnds() throws {
        try ProcessRunner.requirePrenum()
        let world = try SimulationWorkspace(seed: 4)
        world.formatReleases = ["1": "2025-01-01", "2": "2025-06-01", "3": "2026-01-10"]
        try world.writeConfiguration()
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: Self.date("2026-01-01"), full: true, lines: 5)
        }
        // Subscribers on 1: its support ended with 3's release.
        let refused = try ProcessRunner.prenum(
            ["run", "--date", "2026-01-10"], in: world.root, environment: ["PRENUM_CLOCK": "2026-01-10T01:00:00Z"])
        XCTAssertEqual(refused.status, 78, refused.errorOutput)
        XCTAssertTrue(refused.errorOutput.contains("subscribers[1].formatVersion"), refused.errorOutput)
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: world.root.appendingPathComponent("state.db").path), "a refused run writes no state")

        for index in world.subscribers.indices where world.subscribers[index].formatVersion == 1 {
            world.subscribers[index].formatVersion = 2
        }
        try world.writeConfiguration()
        // 2's support ends on 2027-01-10; 90 days before is 2026-10-12.
        let warned = try ProcessRunner.prenum(
            ["run", "--date", "2026-10-12"], in: world.root, environment: ["PRENUM_CLOCK": "2026-10-12T01:00:00Z"])
        XCTAssertEqual(warned.status, 0, warned.errorOutput)
        XCTAssertTrue(warned.errorOutput.contains("event=format.support-ending"), warned.errorOutput)
        XCTAssertTrue(warned.errorOutput.contains("supportEnds=2027-01-10"), warned.errorOutput)
        let receipts = world.outboxFolder(world.subscribers[0]).appendingPathComponent("receipts")
        let texts = try FileManager.default.contentsOfDirectory(atPath: receipts.path)
            .map { try String(contentsOf: receipts.appendingPathComponent($0), encoding: .utf8) }
        XCTAssertTrue(texts.contains { $0.contains("support ends on 2027-01-10") }, texts.joined())
        let status = try StatusReport.gather(
            configuration: ConfigurationLoader.load(path: world.configPath),
            now: try XCTUnwrap(Timestamp.parse("2026-10-12T02:00:00Z")))
        XCTAssertTrue(status.text.contains("support ends 2027-01-10"), status.text)
        XCTAssertEqual(status.subscribers[0].formatSupportEnds, "2027-01-10")
        let earlier = try StatusReport.gather(
            configuration: ConfigurationLoader.load(path: world.configPath),
            now: try XCTUnwrap(Timestamp.parse("2026-10-10T02:00:00Z")))
        XCTAssertNil(earlier.subscribers[0].formatSupportEnds, "no warning before the 90 days")
    }

    static func subscriber(_ version: FormatVersion) -> Subscriber {
        Subscriber(
            id: "s-\(version)", orgNumber: OrganisationNumber("5560000001")!, name: "S", category: .insurance, benefits: ["SJP"],
            purpose: .coordination, formatVersion: version)
    }

    /// Moving a subscriber from 2 to 3 gives it a FULL file in the new namespace, chained onto
    /// its last version-2 file, and the recipient's mirror stays exact.
    func testAChangeFromTwoToThreeGivesAFullFileInTheNewVersion() throws {
        let world = try SimulationWorkspace.collectingNights(seed: 21, nights: 3)
        let index = 0
        XCTAssertEqual(world.subscribers[index].formatVersion, 2)
        world.subscribers[index].formatVersion = 3
        try world.writeConfiguration()
        let day = SimulationWorkspace.night(3)
        XCTAssertEqual(try world.run(day).exitCode, .ok)
        try world.collect(index, expectNew: 1)
        let last = try XCTUnwrap(world.subscribers[index].files.last)
        XCTAssertTrue(last.lastPathComponent.hasSuffix("-FULL.xml"), last.lastPathComponent)
        let text = try String(contentsOf: last, encoding: .utf8)
        XCTAssertTrue(text.contains("xmlns=\"urn:prenum:delivery:v3\" formatVersion=\"3\""), String(text.prefix(400)))
        try world.assertMirror(index, on: day)
        try world.assertSchemaValid()
        // And the next night is a DELTA in version 3 again.
        try world.chaos.advance(on: day.adding(days: 1), operations: 30, &world.random)
        XCTAssertEqual(try world.run(day.adding(days: 1)).exitCode, .ok)
        try world.collect(index, expectNew: 1)
        XCTAssertTrue(try XCTUnwrap(world.subscribers[index].files.last).lastPathComponent.hasSuffix("-DELTA.xml"))
        try world.assertMirror(index, on: day.adding(days: 1))
    }
}
