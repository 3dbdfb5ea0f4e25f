import PrenumCore
import XCTest

@testable import PrenumCLI
@testable import PrenumCore

/// The `PRENUM_*` tuning is read in `Environment` only and handed to the core as values.
final class EnvironmentTests: XCTestCase {
    func testUnsetVariablesGiveTheDocumentedDefaults() throws {
        let environment = Environment([:])
        XCTAssertEqual(try environment.logLevel(), .info)
        XCTAssertEqual(try environment.registerBusyTimeoutMilliseconds(), 10_000)
        XCTAssertEqual(try environment.compactionPercent(), RecordStore.defaultCompactionPercent)
        XCTAssertEqual(try environment.tuning().inboxLookSeconds, 1)
        XCTAssertNil(try environment.tuning().deliveryWorkers)
        XCTAssertNil(environment.schemaFolder)
        XCTAssertNil(environment.faults.step)
    }

    func testAWrongValueIsAUsageErrorNamingTheVariable() {
        for (name, text) in [
            ("PRENUM_LOG_LEVEL", "loud"), ("PRENUM_REGISTER_BUSY_TIMEOUT_MS", "-1"), ("PRENUM_COMPACT_PERCENT", "10001"),
            ("PRENUM_INBOX_LOOK_MS", "600001"), ("PRENUM_CLOCK", "yesterday")
        ] {
            let environment = Environment([name: text])
            XCTAssertThrowsError(
                try {
                    _ = try environment.logLevel()
                    _ = try environment.registerBusyTimeoutMilliseconds()
                    _ = try environment.compactionPercent()
                    _ = try environment.tuning()
                    _ = try environment.clock()
                }()
            ) { error in
                XCTAssertEqual((error as? any PrenumFailure)?.exitCode, .usage)
                XCTAssertTrue(String(describing: error).contains(name), "\(error)")
            }
        }
        XCTAssertNil(try Environment(["PRENUM_DELIVERY_WORKERS": "many"]).tuning().deliveryWorkers, "ignored, as before")
    }

    /// A release build compiles `.none` for the fault switch, so a stray variable cannot kill a run.
    func testOnlyADebugBuildReadsTheFaultSwitch() {
        let faults = Environment(["PRENUM_FAULT_STEP": "deliver.after-stage", "PRENUM_FAULT_HIT": "2"]).faults
        #if DEBUG
            XCTAssertEqual(faults.step, "deliver.after-stage")
            XCTAssertEqual(faults.hit, 2)
        #else
            XCTAssertNil(faults.step)
        #endif
    }
}
