import PrenumCore
import XCTest

@testable import PrenumCLI

final class ParsingTests: XCTestCase {
    func testRunParsesItsDocumentedOptionsInBothSpellings() {
        AssertParse(RunCommand.self, ["--date", "2026-10-21", "--config=/etc/prenum/prenum.json", "--metrics-file", "m.prom"]) { run in
            XCTAssertEqual(run.date, CalendarDate("2026-10-21"))
            XCTAssertEqual(run.config, "/etc/prenum/prenum.json")
            XCTAssertEqual(run.metricsFile, "m.prom")
            XCTAssertFalse(run.dryRun)
        }
        AssertParse(RunCommand.self, ["--dry-run", "--json"]) { run in
            XCTAssertNil(run.date)
            XCTAssertEqual(run.config, "Config/prenum.json", "the declared default")
            XCTAssertNil(run.metricsFile)
            XCTAssertTrue(run.dryRun)
            XCTAssertTrue(run.json)
        }
    }

    func testStatusParsesItsOptions() {
        AssertParse(StatusCommand.self, []) { XCTAssertEqual($0.maxAge, 26) }
        AssertParse(StatusCommand.self, ["--check", "--max-age", "48", "--json"]) { status in
            XCTAssertTrue(status.check)
            XCTAssertTrue(status.json)
            XCTAssertEqual(status.maxAge, 48)
        }
    }

    func testATypoAMissingValueABadDateAndABadNumberAreUsageErrorsNamingTheOption() {
        AssertParseFails(RunCommand.self, ["--dtae", "2026-10-21"], message: "--dtae", "prenum run")
        AssertParseFails(RunCommand.self, ["--date"], message: "--date needs a value")
        AssertParseFails(RunCommand.self, ["--date", "--dry-run"], message: "--date needs a value")
        AssertParseFails(RunCommand.self, ["--date", "2026-13-01"], message: "--date", "YYYY-MM-DD", "2026-13-01")
        AssertParseFails(StatusCommand.self, ["--max-age", "many"], message: "--max-age", "whole number in 1...8760")
        AssertParseFails(StatusCommand.self, ["--max-age", "0"], message: "--max-age", "whole number in 1...8760")
        AssertParseFails(StatusCommand.self, ["--json=yes"], message: "--json takes no value")
        AssertParseFails(StatusCommand.self, ["json"], message: "unexpected argument 'json'")
    }

    func testHelpListsEveryDeclaredOptionWithItsDefault() {
        for command in CommandRegistry.commands {
            AssertHelp(command)
        }
    }
}

final class ValidationTests: XCTestCase {
    func testConflictingOptionsAreRefusedBeforeAnythingIsOpened() {
        AssertParseFails(RunCommand.self, ["--json"], message: "--json goes with --dry-run")
        AssertParseFails(
            RerunCommand.self, ["--subscriber", "s", "--from", "2026-02-07", "--to", "2026-02-01"],
            message: "--from 2026-02-07 is after --to 2026-02-01")
        AssertParseFails(
            DisclosuresCommand.self, ["--pnr", "197307290309", "--from", "2026-02-07", "--to", "2026-02-01"],
            message: "is after --to")
        AssertParse(RerunCommand.self, ["--subscriber", "s", "--from", "2026-02-01", "--to", "2026-02-01"])
    }
}
