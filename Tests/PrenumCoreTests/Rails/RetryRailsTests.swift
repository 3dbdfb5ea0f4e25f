import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// Issue 12, item 8, through the real binary: after a subscriber failed before staging (its
/// outbox a dangling link), running the same date again delivers it, rather than answering
/// "already-completed" and leaving it to the next night.
final class RetryRailsTests: XCTestCase {
    func testTheSameDateAgainDeliversTheSubscribersThatFailedOnIt() throws {
        let world = try SimulationWorkspace.afterFirstNight(seed: 1220)
        let second = SimulationWorkspace.firstNight.adding(days: 1)
        let victim = 2
        let id = world.subscribers[victim].id
        let outbox = world.outboxFolder(world.subscribers[victim])
        let saved = world.root.appendingPathComponent("saved-outbox")
        try FileManager.default.moveItem(at: outbox, to: saved)
        try FileManager.default.createSymbolicLink(
            atPath: outbox.path, withDestinationPath: world.root.appendingPathComponent("nowhere/out").path)

        let failed = try ProcessRunner.prenum(["run", "--date", second.description], in: world.root)
        XCTAssertEqual(failed.status, 1, failed.errorOutput)
        for index in world.subscribers.indices where index != victim { try world.collect(index, expectNew: 1) }
        XCTAssertEqual(try world.stateQuery("SELECT last_sequence FROM subscriber_state WHERE subscriber = '\(id)'"), "1")

        try FileManager.default.removeItem(at: outbox)
        try FileManager.default.moveItem(at: saved, to: outbox)
        let retried = try ProcessRunner.prenum(["run", "--date", second.description], in: world.root)
        XCTAssertEqual(retried.status, 0, retried.errorOutput)
        XCTAssertFalse(retried.output.contains("already-completed"), retried.output)
        XCTAssertTrue(
            retried.errorOutput.contains("event=run.retry") && retried.errorOutput.contains("subscribers=\(id)"), retried.errorOutput)
        try world.collect(victim, expectNew: 1)
        let name = try XCTUnwrap(world.subscribers[victim].files.last?.lastPathComponent)
        XCTAssertTrue(name.hasPrefix("\(id)-00000002-20260302-"), name)
        for index in world.subscribers.indices where index != victim { try world.collect(index, expectNew: 0) }
        XCTAssertEqual(try world.stateQuery("SELECT failed FROM run WHERE business_date = '\(second)'"), "0")

        // A third time: nothing left to deliver.
        let again = try ProcessRunner.prenum(["run", "--date", second.description], in: world.root)
        XCTAssertEqual(again.status, 0, again.errorOutput)
        XCTAssertTrue(again.output.contains("already-completed"), again.output)

        // The next night every chain goes on and every mirror is right.
        let third = second.adding(days: 1)
        try world.chaos.advance(on: third, operations: 30, &world.random)
        let next = try ProcessRunner.prenum(["run", "--date", third.description], in: world.root)
        XCTAssertEqual(next.status, 0, next.errorOutput)
        for index in world.subscribers.indices {
            try world.collect(index, expectNew: 1)
            try world.assertMirror(index, on: third)
        }
    }
}
