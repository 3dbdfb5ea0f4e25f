import PrenumCore
import XCTest

@testable import PrenumCLI

/// Every command parses the options its help documents, and refuses a typo naming it.
final class EveryCommandParsingTests: XCTestCase {
    let pnr = "197307290309"

    func testEveryCommandParsesItsDocumentedOptions() {
        AssertParse(CheckCommand.self, ["--config", "c.json", "--date", "2026-03-01"]) {
            XCTAssertEqual($0.date, CalendarDate("2026-03-01"))
        }
        AssertParse(RerunCommand.self, ["--subscriber", "s", "--from", "2026-02-01", "--to=2026-02-07", "--dry-run"]) {
            XCTAssertTrue($0.dryRun)
        }
        AssertParse(RefreshCommand.self, ["--subscriber", "s"]) { XCTAssertEqual($0.subscriber, "s") }
        AssertParse(ReleaseCommand.self, ["--subscriber", "s"]) { XCTAssertEqual($0.config, "Config/prenum.json") }
        AssertParse(DiscardCommand.self, ["--subscriber", "s"]) { XCTAssertEqual($0.subscriber, "s") }
        AssertParse(VerifyCommand.self, ["--dir", "d", "--public-key", "k.pem", "--mirror", "m.db"]) { XCTAssertEqual($0.mirror, "m.db") }
        AssertParse(VerifyCommand.self, ["--dir", "d", "--public-key", "k.pem"]) { XCTAssertNil($0.mirror) }
        AssertParse(ApplyCommand.self, ["--dir", "d", "--public-key", "k.pem", "--mirror", "m.db"]) {
            XCTAssertEqual($0.publicKey, "k.pem")
        }
        AssertParse(KeysGenerateCommand.self, ["--out", "keys"]) { XCTAssertEqual($0.out, "keys") }
        AssertParse(ImportCommand.self, ["--config=c.json"]) { XCTAssertEqual($0.config, "c.json") }
        AssertParse(RecoverCommand.self, ["--public-keys", "old"]) { XCTAssertEqual($0.publicKeys, "old") }
        AssertParse(ExplainCommand.self, ["--subscriber", "s", "--pnr", pnr, "--record", "case:7", "--json"]) {
            XCTAssertEqual($0.record, RecordKey(.benefitCase, 7))
            XCTAssertTrue($0.json)
        }
        AssertParse(DisclosuresCommand.self, ["--pnr", pnr, "--from", "2026-01-01"]) { XCTAssertNil($0.to) }
        AssertParse(SampleCreateCommand.self, ["--register", "r.db", "--persons", "10", "--seed", "7"]) { XCTAssertEqual($0.persons, 10) }
        AssertParse(SampleAdvanceCommand.self, ["--register", "r.db", "--date", "2026-03-02"]) { XCTAssertNil($0.seed) }
    }

    func testRequiredOptionsAndBadValuesAreRefusedNamingTheOption() {
        AssertParseFails(RefreshCommand.self, [], message: "missing --subscriber S")
        AssertParseFails(RefreshCommand.self, ["--subscribr", "s"], message: "unknown option '--subscribr'", "prenum refresh")
        AssertParseFails(ExplainCommand.self, ["--subscriber", "s", "--pnr", pnr, "--record", "pay:1"], message: "--record", "payment:ID")
        AssertParseFails(DisclosuresCommand.self, ["--pnr", "197307290308"], message: "--pnr is not a valid personnummer")
        AssertParseFails(SampleCreateCommand.self, ["--register", "r", "--persons", "0", "--seed", "1"], message: "--persons")
        AssertParseFails(SampleAdvanceCommand.self, ["--register", "r", "--date", "2026-02-30"], message: "--date", "YYYY-MM-DD")
        AssertParseFails(SampleAdvanceCommand.self, ["--register", "r", "--date", "2026-03-02", "--seed", "x"], message: "--seed")
    }

    func testAPersonnummerIsNeverRepeatedInARefusal() {
        do {
            _ = try DisclosuresCommand.parse(["--pnr", "197307290308"])
            XCTFail("accepted")
        } catch {
            XCTAssertFalse(String(describing: error).contains("197307290308"))
        }
    }
}
