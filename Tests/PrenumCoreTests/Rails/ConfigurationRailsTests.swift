import Foundation
import XCTest

@testable import PrenumCore

/// Issue 12, items 5 and 7: the folder rules of SPEC section 2 judged after following links, and
/// a key given twice refused rather than silently resolved by the parser.
final class ConfigurationRailsTests: XCTestCase {
    private func problems(_ folder: TestFolder, _ root: [String: Any], file: StaticString = #filePath, line: UInt = #line)
        -> [ConfigurationProblem]
    {
        do {
            _ = try ConfigurationLoader.load(path: try folder.writeConfiguration(root))
            XCTFail("the configuration was accepted", file: file, line: line)
            return []
        } catch let error as ConfigurationError {
            XCTAssertEqual(error.exitCode, .configuration, file: file, line: line)
            return error.problems
        } catch {
            XCTFail("\(error)", file: file, line: line)
            return []
        }
    }

    func testAKeyGivenTwiceIsRefusedWithFileAndKeyPath() throws {
        let folder = try TestFolder()
        let configPath = try folder.writeConfiguration(TestFolder.validRoot())
        var text = try String(contentsOfFile: configPath, encoding: .utf8)
        // The second "purpose" would win and turn consent off.
        text = text.replacingOccurrences(of: "\"purpose\" : \"claims\"", with: "\"purpose\" : \"claims\", \"purpose\" : \"coordination\"")
        text = text.replacingOccurrences(of: "\"historyDays\" : 400", with: "\"historyDays\" : 400, \"historyDays\" : 30")
        try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        let categoriesPath = folder.path + "/config/categories.json"
        var categories = try String(contentsOfFile: categoriesPath, encoding: .utf8)
        categories = categories.replacingOccurrences(of: "\"pension\" :", with: "\"pens\\u0069on\" : [\"SJP\"], \"pension\" :")
        try categories.write(toFile: categoriesPath, atomically: true, encoding: .utf8)

        XCTAssertThrowsError(try ConfigurationLoader.load(path: configPath)) { error in
            guard let error = error as? ConfigurationError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.exitCode, .configuration)
            let found = Set(error.problems.map { "\(($0.file as NSString).lastPathComponent) \($0.field)" })
            XCTAssertEqual(
                found, ["prenum.json subscribers[0].purpose", "prenum.json historyDays", "categories.json pension"], error.description)
        }
        XCTAssertEqual(JSONDuplicateKeys.find(in: Data(#"{"a": {"b": 1, "c": [ {"d": "}", "d": 2} ]}, "a\"": 1}"#.utf8)), ["a.c[0].d"])
    }

    func testOutboxesThatAreOneFolderThroughALinkAreRefused() throws {
        let folder = try TestFolder()
        try FileManager.default.createDirectory(atPath: folder.path + "/var/outbox/claims", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: folder.path + "/var/alias", withDestinationPath: folder.path + "/var/outbox/claims")
        var root = TestFolder.validRoot()
        var subscribers = root["subscribers"] as? [[String: Any]] ?? []
        subscribers[1]["outbox"] = "../var/alias"
        root["subscribers"] = subscribers
        let found = problems(folder, root)
        XCTAssertEqual(found.map(\.field), ["subscribers[1].outbox"], "\(found)")
        XCTAssertTrue(found.first?.found.contains("the same folder as the outbox of subscribers[0]") == true, "\(found)")
    }

    func testOutboxesInboxesArchiveAndStateMayNotOverlap() throws {
        let folder = try TestFolder()
        for sub in ["var/inbox/muni", "var/outbox", "var/archive"] {
            try FileManager.default.createDirectory(atPath: folder.path + "/" + sub, withIntermediateDirectories: true)
        }
        func with(_ change: (inout [String: Any], inout [[String: Any]]) -> Void) -> [String] {
            var root = TestFolder.validRoot()
            var subscribers = root["subscribers"] as? [[String: Any]] ?? []
            change(&root, &subscribers)
            root["subscribers"] = subscribers
            return problems(folder, root).map { "\($0.field): \($0.found)" }
        }
        // An outbox equal to the inbox root: the next night would take its files for population files.
        let inboxRoot = with { _, s in s[0]["outbox"] = "../var/inbox" }
        XCTAssertTrue(
            inboxRoot.contains { $0.hasPrefix("subscribers[0].outbox") && $0.contains("the same folder as the inbox root") }, "\(inboxRoot)"
        )
        XCTAssertTrue(inboxRoot.contains { $0.contains("around the inbox of subscribers[1]") }, "\(inboxRoot)")
        // The outbox root itself holds every other outbox.
        let outboxRoot = with { _, s in s[1]["outbox"] = "../var/outbox" }
        XCTAssertTrue(
            outboxRoot.contains { $0.hasPrefix("subscribers[1].outbox") && $0.contains("the same folder as the outbox root") },
            "\(outboxRoot)")
        XCTAssertTrue(outboxRoot.contains { $0.contains("around the outbox of subscribers[0]") }, "\(outboxRoot)")
        // Inside another subscriber's inbox, through a link to it.
        try FileManager.default.createSymbolicLink(atPath: folder.path + "/var/drop", withDestinationPath: folder.path + "/var/inbox/muni")
        let inInbox = with { _, s in s[0]["outbox"] = "../var/drop/out" }
        XCTAssertTrue(
            inInbox.contains { $0.hasPrefix("subscribers[0].outbox") && $0.contains("inside the inbox of subscribers[1]") }, "\(inInbox)")
        // The archive and the state database inside an outbox.
        let archive = with { r, _ in
            r["archive"] = "../var/outbox/claims/archive"
            r["stateDatabase"] = "../var/outbox/muni/state.db"
        }
        XCTAssertTrue(archive.contains { $0.hasPrefix("subscribers[0].id") && $0.contains("around the archive") }, "\(archive)")
        XCTAssertTrue(
            archive.contains { $0.hasPrefix("stateDatabase") && $0.contains("inside the outbox of subscribers[1]") }, "\(archive)")
        // The register inside an inbox.
        let register = with { r, _ in r["register"] = "../var/inbox/claims/register.db" }
        XCTAssertEqual(register.count, 1, "\(register)")
        XCTAssertTrue(register.first?.hasPrefix("register") == true, "\(register)")
        // The valid layout still loads.
        XCTAssertNoThrow(try ConfigurationLoader.load(path: try folder.writeConfiguration(TestFolder.validRoot())))
    }
}
