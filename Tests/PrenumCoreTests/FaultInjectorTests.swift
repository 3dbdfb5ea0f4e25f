import XCTest

@testable import PrenumCore

/// The fault switch is read from the environment by a debug build only. These tests run in the
/// build they were compiled with: in a debug build (`swift test`, the crash tests' binary) the
/// variables are read; compiled for release, the same tests check that they are ignored.
final class FaultInjectorTests: XCTestCase {
    private let asked = ["PRENUM_FAULT_STEP": "deliver.after-stage", "PRENUM_FAULT_SUBSCRIBER": "mun-b", "PRENUM_FAULT_HIT": "3"]

    func testOnlyADebugBuildReadsTheFaultSwitch() {
        let faults = FaultInjector.fromEnvironment(asked)
        #if DEBUG
            XCTAssertTrue(FaultInjector.isCompiledIn)
            XCTAssertEqual(faults.step, "deliver.after-stage")
            XCTAssertEqual(faults.subscriber, "mun-b")
            XCTAssertEqual(faults.hit, 3)
        #else
            XCTAssertFalse(FaultInjector.isCompiledIn)
            XCTAssertNil(faults.step)
            XCTAssertNil(faults.subscriber)
        #endif
    }

    // The parsing exists in a debug build only; a release build has no switch to parse.
    #if DEBUG
        func testTheSwitchReadsStepSubscriberAndHit() {
            let faults = FaultInjector.parsing(asked)
            XCTAssertEqual(faults.step, "deliver.after-stage")
            XCTAssertEqual(faults.subscriber, "mun-b")
            XCTAssertEqual(faults.hit, 3)
        }

        func testWithoutTheVariablesNoStepIsArmed() {
            let faults = FaultInjector.parsing([:])
            XCTAssertNil(faults.step)
            XCTAssertNil(faults.subscriber)
            XCTAssertEqual(faults.hit, 1)
            XCTAssertNil(FaultInjector.fromEnvironment([:]).step)
        }

        func testAHitThatIsNotANumberMeansTheFirst() {
            XCTAssertEqual(FaultInjector.parsing(["PRENUM_FAULT_STEP": "run.before-complete", "PRENUM_FAULT_HIT": "third"]).hit, 1)
        }
    #endif
}
