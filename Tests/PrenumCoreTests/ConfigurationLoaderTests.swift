import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore

final class ConfigurationLoaderTests: XCTestCase {
    var folder: TestFolder!

    override func setUpWithError() throws {
        folder = try TestFolder()
    }

    override func tearDown() {
        folder = nil
    }

    // MARK: The shipped sample

    func testShippedSampleConfigurationLoads() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .path
        let configuration = try ConfigurationLoader.load(path: repository + "/Config/prenum.json")
        XCTAssertEqual(
            configuration.subscribers.map(\.id),
            [
                "insurer-trygg", "insurer-folksam", "malmo-kommun", "kronofogden",
                "pensionsmyndigheten", "csn", "insurer-retired"
            ])
        XCTAssertEqual(configuration.register, repository + "/var/register.db")
        XCTAssertEqual(configuration.stateDatabase, repository + "/var/state.db")
        XCTAssertEqual(configuration.historyDays, 400)
        XCTAssertEqual(configuration.timeZone.identifier, "Europe/Stockholm")
        XCTAssertEqual(configuration.categories["municipality"]?.count, 13)

        let kronofogden = try XCTUnwrap(configuration.subscriber("kronofogden"))
        XCTAssertEqual(kronofogden.outboxFolder(in: configuration), repository + "/var/outbox-transferred/kronofogden")
        let trygg = try XCTUnwrap(configuration.subscriber("insurer-trygg"))
        XCTAssertEqual(trygg.outboxFolder(in: configuration), repository + "/var/outbox/insurer-trygg")
        XCTAssertEqual(trygg.inboxFolder(in: configuration), repository + "/var/inbox/insurer-trygg")
        XCTAssertEqual(trygg.benefits, ["SJP", "FP", "TFP", "SA", "AE"])
        XCTAssertEqual(trygg.purpose, .claims)
        XCTAssertTrue(trygg.purpose.requiresConsent)
        XCTAssertFalse(try XCTUnwrap(configuration.subscriber("csn")).purpose.requiresConsent)
        XCTAssertEqual(try XCTUnwrap(configuration.subscriber("insurer-folksam")).formatVersion, .v3)
        XCTAssertEqual(try XCTUnwrap(configuration.subscriber("insurer-folksam")).effectiveLegalBasis, "SFB 110:39, 114:9")
        XCTAssertEqual(trygg.effectiveLegalBasis, "SFB 114:26", "by purpose")
        XCTAssertEqual(configuration.formatLifecycle.served(on: CalendarDate("2026-11-01")!).map(\.version), [.v2, .v3])

        let retired = try XCTUnwrap(configuration.subscriber("insurer-retired"))
        XCTAssertTrue(retired.isActive(on: CalendarDate("2026-09-30")!))
        XCTAssertFalse(retired.isActive(on: CalendarDate("2026-10-01")!))
        XCTAssertTrue(trygg.isActive(on: CalendarDate("2099-01-01")!))
    }

    func testDefaultsApplyWhenOptionalFieldsAreLeftOut() throws {
        var root = TestFolder.validRoot()
        root["historyDays"] = nil
        root["timeZone"] = nil
        root["categories"] = nil
        let configuration = try ConfigurationLoader.load(path: try folder.writeConfiguration(root))
        XCTAssertEqual(configuration.historyDays, 400)
        XCTAssertEqual(configuration.timeZone.identifier, "Europe/Stockholm")
        XCTAssertEqual(configuration.categoriesPath, folder.path + "/config/categories.json")
        XCTAssertEqual(configuration.lockPath, folder.path + "/var/state.db.lock")
    }

    // MARK: Every problem at once

    func testEveryProblemIsReportedAtOnceWithFileFieldAndExpectation() throws {
        var root = TestFolder.validRoot()
        root["colour"] = "blue"
        root["historyDays"] = "400"
        root["timeZone"] = "Mars/Olympus_Mons"
        root["archive"] = ""
        var subscribers = root["subscribers"] as! [[String: Any]]
        var bad = subscribers[0]
        bad["id"] = "../x"
        bad["orgNumber"] = "5560160681"
        bad["benefits"] = ["SJP", "BOB"]
        bad["formatVersion"] = 4
        bad["purpose"] = "marketing"
        bad["nickname"] = "x"
        subscribers.append(bad)
        var second = subscribers[0]
        second["id"] = "a/b"
        second["category"] = "bank"
        second["terminatedFrom"] = "2026-02-30"
        subscribers.append(second)
        var third = subscribers[0]
        third["id"] = "Upper"
        third["formatVersion"] = 2.5
        third["orgNumber"] = 5560160680
        subscribers.append(third)
        subscribers.append(subscribers[0])
        root["subscribers"] = subscribers
        let path = try folder.writeConfiguration(root)

        let error = try loadFailure(path)
        XCTAssertEqual(error.exitCode, .configuration)
        let fields = Dictionary(grouping: error.problems, by: \.field)
        func expect(_ field: String, _ expected: String, line: UInt = #line) {
            let problems = fields[field] ?? []
            XCTAssertTrue(
                problems.contains { $0.expected.contains(expected) && $0.file == path },
                "no problem at \(field) expecting \(expected); got \(problems)", line: line)
        }
        expect("colour", "no such field")
        expect("historyDays", "whole number")
        expect("timeZone", "time zone identifier")
        expect("archive", "non-empty path")
        expect("subscribers[2].id", "[a-z0-9][a-z0-9-]{0,63}")
        expect("subscribers[2].orgNumber", "Luhn")
        expect("subscribers[2].benefits[1]", "permitted for category insurance")
        expect("subscribers[2].formatVersion", "known format version (1, 2, 3)")
        expect("subscribers[2].purpose", "coordination, risk_assessment, pension_forecast, claims")
        expect("subscribers[2].nickname", "no such field")
        expect("subscribers[3].id", "[a-z0-9][a-z0-9-]{0,63}")
        expect("subscribers[3].category", "insurance, municipality, enforcement, pension, agency")
        expect("subscribers[3].terminatedFrom", "YYYY-MM-DD")
        expect("subscribers[4].id", "[a-z0-9][a-z0-9-]{0,63}")
        expect("subscribers[4].formatVersion", "whole number")
        expect("subscribers[4].orgNumber", "a string")
        expect("subscribers[5].id", "used once")
        // The valid subscribers themselves are not blamed.
        XCTAssertNil(fields["subscribers[0].id"])
        XCTAssertNil(fields["subscribers[1].id"])
        XCTAssertTrue(error.description.contains("\(path): subscribers[2].orgNumber: expected"), error.description)
        XCTAssertTrue(error.description.contains("found \"5560160681\""), error.description)
    }

    func testSubscriberIDsThatCouldLeaveTheirFolderAreRefused() throws {
        for id in ["../x", "a/b", "Upper", "", "-lead", ".hidden", "a b", "x\u{0}y", String(repeating: "a", count: 65), "åäö"] {
            var root = TestFolder.validRoot()
            var subscribers = root["subscribers"] as! [[String: Any]]
            subscribers[0]["id"] = id
            root["subscribers"] = subscribers
            let error = try loadFailure(try folder.writeConfiguration(root))
            XCTAssertTrue(error.problems.contains { $0.field == "subscribers[0].id" }, "id \(id.debugDescription) accepted")
        }
        XCTAssertTrue(Subscriber.isValidID(String(repeating: "a", count: 64)))
        XCTAssertTrue(Subscriber.isValidID("0-a-"))
    }

    func testHistoryDaysRangeAndWrongTypes() throws {
        for (value, accepted) in [(0, false), (1, true), (3650, true), (3651, false)] as [(Int, Bool)] {
            var root = TestFolder.validRoot()
            root["historyDays"] = value
            let path = try folder.writeConfiguration(root)
            if accepted {
                XCTAssertEqual(try ConfigurationLoader.load(path: path).historyDays, value)
            } else {
                XCTAssertEqual(try loadFailure(path).problems.map(\.field), ["historyDays"])
            }
        }
        var root = TestFolder.validRoot()
        root["historyDays"] = true
        root["subscribers"] = "none"
        let error = try loadFailure(try folder.writeConfiguration(root))
        XCTAssertEqual(Set(error.problems.map(\.field)), ["historyDays", "subscribers"])
        XCTAssertTrue(error.problems.contains { $0.found.contains("boolean") })
    }

    func testRequiredFieldsThatAreMissingAreNamed() throws {
        var root = TestFolder.validRoot()
        root["register"] = nil
        var subscribers = root["subscribers"] as! [[String: Any]]
        subscribers[0]["benefits"] = nil
        subscribers[0]["name"] = nil
        root["subscribers"] = subscribers
        let error = try loadFailure(try folder.writeConfiguration(root))
        XCTAssertEqual(Set(error.problems.map(\.field)), ["register", "subscribers[0].benefits", "subscribers[0].name"])
        XCTAssertTrue(error.problems.allSatisfy { $0.found.contains("missing") })
    }

    func testUnusablePathsAreRefusedWithoutCreatingAnything() throws {
        try Data("x".utf8).write(to: URL(fileURLWithPath: folder.path + "/plainfile"))
        try FileManager.default.createDirectory(atPath: folder.path + "/registerdir", withIntermediateDirectories: true)
        var root = TestFolder.validRoot()
        root["stateDatabase"] = "../plainfile/state.db"
        root["outbox"] = "../plainfile"
        root["register"] = "../registerdir"
        root["inbox"] = "a\u{0}b"
        var subscribers = root["subscribers"] as! [[String: Any]]
        subscribers[0]["outbox"] = "../plainfile/sub/out"
        root["subscribers"] = subscribers
        let before = try folder.listing()
        let error = try loadFailure(try folder.writeConfiguration(root))
        XCTAssertEqual(Set(error.problems.map(\.field)), ["stateDatabase", "outbox", "register", "inbox", "subscribers[0].outbox"])
        XCTAssertEqual(try folder.listing(), before.union(["config/prenum.json", "config/categories.json"]))
    }

    func testTwoSubscribersSharingAnOutboxAreRefused() throws {
        var root = TestFolder.validRoot()
        var subscribers = root["subscribers"] as! [[String: Any]]
        var other = subscribers[0]
        other["id"] = "other"
        other["outbox"] = "../var/outbox/muni"
        subscribers.append(other)
        root["subscribers"] = subscribers
        let error = try loadFailure(try folder.writeConfiguration(root))
        XCTAssertEqual(error.problems.map(\.field), ["subscribers[2].outbox"])
        XCTAssertTrue(error.problems[0].found.contains("also the outbox of subscribers[1]"))
    }

    // MARK: The categories file

    func testCategoriesFileProblemsAreReportedWithItsName() throws {
        let categories: [String: Any] = [
            "insurance": ["SJP", "FP", "sjp", "FP"],
            "municipality": ["SJP"],
            "enforcement": "SJP",
            "pension": ["SA", 7],
            "bank": ["SJP"]
        ]
        let path = try folder.writeConfiguration(TestFolder.validRoot(), categories: categories)
        let error = try loadFailure(path)
        let categoriesFile = folder.path + "/config/categories.json"
        let problems = error.problems.filter { $0.file == categoriesFile }
        XCTAssertEqual(Set(problems.map(\.field)), ["insurance[2]", "insurance[3]", "enforcement", "pension[1]", "bank", "agency"])
        XCTAssertTrue(problems.contains { $0.field == "agency" && $0.found.contains("missing") })
        // muni orders BOB, which this categories file does not permit for municipalities.
        XCTAssertTrue(error.problems.contains { $0.file == path && $0.field == "subscribers[1].benefits[0]" })
    }

    func testMissingCategoriesFileIsAConfigurationProblem() throws {
        var root = TestFolder.validRoot()
        root["categories"] = "nowhere.json"
        let error = try loadFailure(try folder.writeConfiguration(root))
        XCTAssertEqual(error.exitCode, .configuration)
        XCTAssertEqual(error.problems.map(\.field), ["categories"])
    }

    // MARK: The file itself

    func testMissingConfigurationFileIsMissingInput() throws {
        let error = try loadFailure(folder.path + "/absent.json")
        XCTAssertEqual(error.exitCode, .noInput)
        XCTAssertTrue(error.description.contains("absent.json"))
    }

    func testInvalidJSONAndWrongTopLevelAreConfigurationProblems() throws {
        let path = folder.path + "/broken.json"
        try Data("{\"register\": ".utf8).write(to: URL(fileURLWithPath: path))
        var error = try loadFailure(path)
        XCTAssertEqual(error.exitCode, .configuration)
        XCTAssertEqual(error.problems.first?.expected, "valid JSON")
        try Data("[1, 2]".utf8).write(to: URL(fileURLWithPath: path))
        error = try loadFailure(path)
        XCTAssertEqual(error.problems.first?.expected, "a JSON object")
    }

    private func loadFailure(_ path: String, file: StaticString = #filePath, line: UInt = #line) throws -> ConfigurationError {
        do {
            _ = try ConfigurationLoader.load(path: path)
        } catch let error as ConfigurationError {
            return error
        }
        XCTFail("configuration at \(path) was accepted", file: file, line: line)
        throw OperationFailure(.configuration, "accepted")
    }
}

/// A scratch folder with a valid configuration that tests bend one field at a time.
final class TestFolder {
    private let scratch: TemporaryFolder
    var path: String { scratch.path }

    init() throws {
        scratch = try TemporaryFolder("prenum-test")
        try FileManager.default.createDirectory(atPath: scratch.file("config"), withIntermediateDirectories: true)
    }

    static var categories: [String: Any] {
        [
            "insurance": ["SJP", "FP", "TFP", "SA", "AE"],
            "municipality": ["SJP", "FP", "TFP", "AKS", "UTV", "ETE", "BOB", "BB", "ASS", "OMV", "MKE", "SA", "AE"],
            "enforcement": ["SJP", "FP", "TFP", "AKS", "UTV", "ETE", "SA", "AE"],
            "pension": ["SA", "AE", "SJP", "FP"],
            "agency": ["SJP", "FP", "TFP", "AKS", "UTV", "ETE", "SA", "AE", "BB"]
        ]
    }

    /// Two subscribers: `claims` (consent needed) and `muni` (co-ordination, no consent needed).
    static func validRoot() -> [String: Any] {
        [
            "register": "../var/register.db",
            "stateDatabase": "../var/state.db",
            "inbox": "../var/inbox",
            "outbox": "../var/outbox",
            "archive": "../var/archive",
            "signingKey": "../var/keys/signing-private.pem",
            "categories": "categories.json",
            "historyDays": 400,
            "timeZone": "Europe/Stockholm",
            "subscribers": [
                [
                    "id": "claims", "orgNumber": "5560160680", "name": "Claims Insurer", "category": "insurance",
                    "benefits": ["SJP", "SA"], "purpose": "claims", "formatVersion": 2
                ],
                [
                    "id": "muni", "orgNumber": "2120003039", "name": "A Municipality", "category": "municipality",
                    "benefits": ["BOB", "SJP"], "purpose": "coordination", "formatVersion": 1
                ]
            ] as [[String: Any]]
        ]
    }

    /// Writes `config/prenum.json` and `config/categories.json`; returns the former's path.
    func writeConfiguration(_ root: [String: Any], categories: [String: Any] = TestFolder.categories) throws -> String {
        let configPath = path + "/config/prenum.json"
        try JSONSerialization.data(withJSONObject: root, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: configPath))
        try JSONSerialization.data(withJSONObject: categories, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: path + "/config/categories.json"))
        return configPath
    }

    /// Runs a command-line tool (the independent other side of a check) and returns its
    /// exit status and standard output.
    static func runTool(_ path: String, _ arguments: [String]) throws -> (Int32, String) {
        let result = try ProcessRunner.run(path, arguments)
        return (result.status, result.output)
    }

    /// Every file and folder below, relative.
    func listing() throws -> Set<String> {
        Set(FileManager.default.subpaths(atPath: path) ?? [])
    }
}
