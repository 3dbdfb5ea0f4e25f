import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// Night after night, the real `prenum run` is killed with SIGKILL at random moments (seeded
/// random delays, plus fault-injector steps so that population import and every publication
/// step are certainly hit), then finished by a clean run. Every subscriber's files must form a
/// gapless, signed chain, and the recipient's mirror built from them must equal what the
/// independent oracle says is visible.
///
/// `PRENUM_SOAK_KILLS` sets how many kills (default 24, for CI); `scripts/crash-soak.sh`
/// runs the long version and prints the figures this test reports on standard output.
final class CrashSoakTests: XCTestCase {
    /// Fault steps in the order the nights take them: import and publication first.
    static let stepRotation: [FaultInjector.Step] = [
        .importBeforeCommit, .deliverAfterStage, .importAfterCommit, .deliverAfterSignatureRename,
        .snapshotBeforeCommit, .deliverAfterArchive, .deliverAfterDataRename, .deliverAfterSign,
        .snapshotAfterCommit, .deliverAfterWrite, .runBeforeComplete, .deliverAfterPublish
    ]
    static let killsPerNight = 4

    struct Figures {
        var nights = 0
        var kills = 0
        var delayKills = 0
        var stepKills: [String: Int] = [:]
        /// Where the randomly killed processes were, by their last log event.
        var delayKillPlaces: [String: Int] = [:]
        var runsCompletedBeforeKill = 0
        var files = 0
        var records = 0
        var populationLines = 0
        var upstreamWrites = 0

        var text: String {
            func list(_ counts: [String: Int]) -> String {
                counts.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            }
            return """
                crash-soak: nights=\(nights) kills=\(kills) (random-delay=\(delayKills), fault-step=\(kills - delayKills)) \
                runs-finished-before-their-kill=\(runsCompletedBeforeKill)
                crash-soak: files-checked=\(files) records-applied=\(records) population-lines=\(populationLines) upstream-writes=\(upstreamWrites)
                crash-soak: fault-step kills: \(list(stepKills))
                crash-soak: random kills by last logged event: \(list(delayKillPlaces))

                """
        }
    }

    func testRandomKillsOverManyNightsLoseNothing() throws {
        try ProcessRunner.requirePrenum()
        let wantedKills = ProcessInfo.processInfo.environment["PRENUM_SOAK_KILLS"].flatMap(Int.init) ?? 24
        let world = try SimulationWorkspace(seed: 4242, persons: 300)
        for _ in 0..<1_200 { try world.chaos.insertPayment(on: CalendarDate("2026-01-15")!, &world.random) }
        for _ in 0..<400 { try world.chaos.insertCase(on: CalendarDate("2026-01-15")!, &world.random) }
        try world.writeConfiguration()

        var figures = Figures()
        var day = CalendarDate("2026-03-01")!
        // How long a run lasts, learnt from the runs that got through: random delays fall in it.
        var typicalRun: TimeInterval = 0.5
        var rotation = 0
        while figures.kills < wantedKills {
            if figures.nights > 0 {
                day = day.adding(days: 1)
                try world.chaos.advance(on: day, operations: 400, &world.random)
                figures.upstreamWrites += 400
            }
            for index in world.subscribers.indices where figures.nights == 0 || world.random.chance(0.7) {
                let full = figures.nights == 0 || world.random.chance(0.1)
                let lines = full ? Int.random(in: 100...250, using: &world.random) : Int.random(in: 20...80, using: &world.random)
                try world.dropPopulationFile(
                    for: index, day: day, full: full,
                    invalid: !full && world.random.chance(0.1), lines: lines)
                figures.populationLines += lines
            }
            if world.random.chance(0.15) {
                let index = Int.random(in: 0..<world.subscribers.count, using: &world.random)
                let permitted = SimulationWorkspace.categories[world.subscribers[index].category]!
                world.subscribers[index].benefits = Array(permitted.shuffled(using: &world.random).prefix(3))
                try world.writeConfiguration()
            }

            // Kill the night's run until it gets through or the night has had its share.
            var killsTonight = 0
            var finished = false
            while killsTonight < Self.killsPerNight, figures.kills < wantedKills {
                var environment: [String: String] = [:]
                var delay: TimeInterval?
                // Even nights open with a fault step (the only sure way to die inside the
                // import); every other attempt dies after a random delay.
                if killsTonight == 0 && figures.nights % 2 == 0 {
                    let step = Self.stepRotation[rotation % Self.stepRotation.count]
                    rotation += 1
                    environment["PRENUM_FAULT_STEP"] = step.rawValue
                    if step.rawValue.hasPrefix("import.") || world.random.chance(0.5) {
                        environment["PRENUM_FAULT_SUBSCRIBER"] = world.random.pick(world.subscribers).id
                    }
                } else {
                    delay = Double.random(in: 0.0...typicalRun, using: &world.random)
                }
                let began = Date()
                let outcome = try ProcessRunner.prenum(
                    ["run", "--date", day.description], in: world.root,
                    environment: environment, killAfter: delay)
                assertNoPersonnummer(outcome)
                guard outcome.killed else {
                    XCTAssertEqual(outcome.status, 0, "\(day): \(outcome.errorOutput.suffix(1500))")
                    if delay != nil {
                        figures.runsCompletedBeforeKill += 1
                        typicalRun = (typicalRun + Date().timeIntervalSince(began)) / 2
                    }
                    finished = true
                    break
                }
                XCTAssertEqual(outcome.status, SIGKILL, "\(day): killed by another signal")
                figures.kills += 1
                killsTonight += 1
                if delay != nil {
                    figures.delayKills += 1
                    figures.delayKillPlaces[outcome.lastEvent ?? "(before the first log line)", default: 0] += 1
                } else {
                    figures.stepKills[environment["PRENUM_FAULT_STEP"] ?? "?", default: 0] += 1
                }
                try assertPublishedFilesAreWhole(world, after: "\(day) kill \(killsTonight)")
            }
            if !finished {
                let clean = try ProcessRunner.prenum(["run", "--date", day.description], in: world.root)
                assertNoPersonnummer(clean)
                XCTAssertEqual(clean.status, 0, "\(day): the clean run failed: \(clean.errorOutput.suffix(1500))")
            }
            XCTAssertTrue(try ProcessRunner.prenum(["run", "--date", day.description], in: world.root).output.contains("already-completed"))

            for index in world.subscribers.indices {
                let before = world.subscribers[index].files.count
                try world.collect(index, expectNew: 1)
                try world.assertMirror(index, on: day)
                figures.files += world.subscribers[index].files.count - before
                figures.records += world.subscribers[index].mirror.records.count
            }
            try assertStateSettled(world, nights: figures.nights + 1)
            figures.nights += 1
            if testRun?.failureCount ?? 0 > 0 { break }
        }
        try world.assertOpenSSLVerifies()
        try world.assertSchemaValid()
        XCTAssertGreaterThanOrEqual(figures.kills, wantedKills)
        XCTAssertGreaterThan(figures.stepKills.keys.filter { $0.hasPrefix("import.") }.count, 0, "no kill during population import")
        XCTAssertGreaterThan(figures.stepKills.keys.filter { $0.hasPrefix("deliver.") }.count, 1, "too few kills during publication")
        print(figures.text, terminator: "")
    }

    /// What a recipient polling right after the kill sees: whole files only, each with its
    /// signature, each signature valid, and nothing in the chain skipped.
    func assertPublishedFilesAreWhole(_ world: SimulationWorkspace, after moment: String) throws {
        for subscriber in world.subscribers {
            let folder = world.outboxFolder(subscriber)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".xml") }.sorted()
            for name in names where !subscriber.files.contains(where: { $0.lastPathComponent == name }) {
                let path = folder.appendingPathComponent(name).path
                guard let signature = try? Data(contentsOf: URL(fileURLWithPath: path + ".sig")) else {
                    XCTFail("\(moment): \(name) visible without its signature")
                    continue
                }
                XCTAssertTrue(
                    try world.publicKey.verifyFile(path: path, signature: [UInt8](signature)),
                    "\(moment): \(name) visible but its signature does not match (partial file?)")
            }
        }
    }

    /// After a night's clean run: every run completed, every delivery published, one file per
    /// subscriber per night, nothing left in staging. Read with the sqlite3 tool.
    func assertStateSettled(_ world: SimulationWorkspace, nights: Int) throws {
        let state = world.root.appendingPathComponent("state.db").path
        let query = """
            SELECT (SELECT COUNT(*) FROM run WHERE status = 'completed'), (SELECT COUNT(*) FROM run),
                   (SELECT COUNT(*) FROM delivery WHERE status = 'published'), (SELECT COUNT(*) FROM delivery);
            """
        let result = try ProcessRunner.run("/usr/bin/sqlite3", [state, query])
        XCTAssertEqual(result.status, 0, result.errorOutput)
        let expected = "\(nights)|\(nights)|\(nights * world.subscribers.count)|\(nights * world.subscribers.count)"
        XCTAssertEqual(result.output.trimmingCharacters(in: .whitespacesAndNewlines), expected, "runs completed|runs|published|deliveries")
        for subscriber in world.subscribers {
            let staging = DeliveryPublisher.stagingFolder(outbox: world.outboxFolder(subscriber).path)
            let left = (try? FileManager.default.contentsOfDirectory(atPath: staging)) ?? []
            XCTAssertEqual(left, [], "\(subscriber.id): files left in staging")
        }
    }

    func assertNoPersonnummer(_ outcome: ProcessOutcome, file: StaticString = #filePath, line: UInt = #line) {
        let text = outcome.output + outcome.errorOutput
        XCTAssertFalse(text.contains("[pnr]"), "a log line tried to carry a personnummer", file: file, line: line)
        XCTAssertFalse(
            PersonnummerRedaction.containsPersonnummer(text), "output holds something shaped like a personnummer", file: file, line: line)
    }
}
