import Foundation
import XCTest

@testable import PrenumCore
@testable import PrenumSample
@testable import PrenumSimulationSupport

/// `prenum explain` against the simulation's independent visibility query and the recipients'
/// own mirrors: for every record of sampled persons, over many nights of churn.
final class ExplainTests: XCTestCase {
    func testExplainAgreesWithTheOracleAndTheRecipientsMirrorsEveryNight() throws {
        let world = try SimulationWorkspace(seed: 4711)
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: day, full: true, lines: 30)
        }
        var rulesHit: Set<String> = []
        var explained = 0
        for night in 0..<24 {
            if night > 0 { day = day.adding(days: 1) }
            if night == 16 { world.subscribers[4].terminatedFrom = day.description }
            try world.churnNight(day, first: night == 0)

            let configuration = try ConfigurationLoader.load(path: world.configPath)
            let state = try StateDatabase(path: configuration.stateDatabase)
            let register = try RegisterReader(path: configuration.register)
            let sample = (0..<12).map { _ in world.random.pick(world.chaos.persons) }
            for index in world.subscribers.indices where world.isActive(index, on: day) {
                let simulated = world.subscribers[index]
                let expected = try VisibilityOracle(register: world.register).visible(
                    population: simulated.population, requiresConsent: simulated.requiresConsent, benefits: simulated.benefits,
                    formatVersion: simulated.formatVersion, businessDate: day.description, historyDays: world.historyDays)
                let subscriber = try XCTUnwrap(configuration.subscriber(simulated.id))
                for pnr in sample {
                    let explanation = try Explanation.gather(
                        configuration: configuration, subscriber: subscriber, pnr: pnr, record: nil,
                        date: day, state: state.database, register: register)
                    let keys = Set(explanation.records.map { "\($0.kind):\($0.id)" })
                    let visibleHere = Set(expected.values.filter { $0.pnr == pnr }.map(\.key))
                    XCTAssertTrue(visibleHere.isSubset(of: keys), "\(simulated.id) \(day): explain missed \(visibleHere.subtracting(keys))")
                    for record in explanation.records {
                        let key = "\(record.kind):\(record.id)"
                        explained += 1
                        XCTAssertEqual(
                            record.visible, visibleHere.contains(key), "\(simulated.id) \(day) \(key): rule \(record.rule ?? "none")")
                        XCTAssertEqual(record.visible, record.rule == nil)
                        XCTAssertEqual(
                            record.holding.holds, simulated.mirror.records[key] != nil ? "yes" : "no",
                            "\(simulated.id) \(day) \(key): what the recipient holds")
                        if let rule = record.rule { rulesHit.insert(rule) }
                    }
                }
            }
        }
        // The carrying files, on the last night, against every file each recipient received.
        let configuration = try ConfigurationLoader.load(path: world.configPath)
        let state = try StateDatabase(path: configuration.stateDatabase)
        let register = try RegisterReader(path: configuration.register)
        var withFiles = 0
        for index in world.subscribers.indices {
            let simulated = world.subscribers[index]
            let parsed = try simulated.files.map { ($0.lastPathComponent, try DeliveryFileParser.parse($0)) }
            let subscriber = try XCTUnwrap(configuration.subscriber(simulated.id))
            for pnr in world.chaos.persons.prefix(20) {
                let explanation = try Explanation.gather(
                    configuration: configuration, subscriber: subscriber, pnr: pnr, record: nil,
                    date: day, state: state.database, register: register)
                for record in explanation.records where record.holding.underAnotherPerson != true {
                    var scanned: [Explanation.CarryingFile] = []
                    for (name, delivery) in parsed {
                        for person in delivery.persons where person.pnr == pnr {
                            for (change, found) in person.records where found.entity == record.kind && found.id == record.id {
                                scanned.append(
                                    .init(
                                        sequence: Int64(delivery.header["sequence"] ?? "") ?? -1,
                                        businessDate: delivery.header["businessDate"] ?? "", change: change, file: name))
                            }
                        }
                    }
                    XCTAssertEqual(record.files, scanned, "\(simulated.id) \(record.kind) \(record.id): the files that carried it")
                    if !scanned.isEmpty { withFiles += 1 }
                }
            }
        }
        XCTAssertGreaterThan(withFiles, 20)
        XCTAssertGreaterThan(explained, 1000)
        let expectedRules = Set(VisibilityRule.allCases.map(\.rawValue)).subtracting([VisibilityRule.unrepresentable.rawValue])
        XCTAssertEqual(rulesHit, expectedRules, "rules never hit: \(expectedRules.subtracting(rulesHit))")
    }

    /// A subscriber whose file failed last night holds what was visible before that night's
    /// changes: the derivation must take the versions from before them.
    func testHoldingsOfASubscriberThatMissedTheLastRunAreThoseBeforeIt() throws {
        let world = try SimulationWorkspace(seed: 12)
        world.historyDays = 120
        var day = CalendarDate("2026-03-01")!
        for index in world.subscribers.indices {
            try world.dropPopulationFile(for: index, day: day, full: true, lines: 30)
        }
        for night in 0..<4 {
            if night > 0 { day = day.adding(days: 1) }
            try world.churnNight(day, first: night == 0)
        }
        day = day.adding(days: 1)
        try world.chaos.advance(on: day, operations: 150, &world.random)
        // A file where the staging folder of the subscriber holding most belongs: its delivery
        // fails before anything is staged.
        let failing = try XCTUnwrap(
            world.subscribers.indices.max { world.subscribers[$0].mirror.records.count < world.subscribers[$1].mirror.records.count })
        let staging = world.outboxFolder(world.subscribers[failing]).appendingPathComponent(".prenum-staging")
        try FileManager.default.removeItem(at: staging)
        try Data("in the way".utf8).write(to: staging)
        XCTAssertEqual(try world.run(day).exitCode, .partialFailure)
        for index in world.subscribers.indices { try world.collect(index, expectNew: index == failing ? 0 : 1) }

        let configuration = try ConfigurationLoader.load(path: world.configPath)
        let state = try StateDatabase(path: configuration.stateDatabase)
        let register = try RegisterReader(path: configuration.register)
        let simulated = world.subscribers[failing]
        XCTAssertGreaterThan(simulated.mirror.records.count, 8)
        let subscriber = try XCTUnwrap(configuration.subscriber(simulated.id))
        var changedAndHeld = 0
        for pnr in world.chaos.persons {
            let explanation = try Explanation.gather(
                configuration: configuration, subscriber: subscriber, pnr: pnr, record: nil,
                date: day, state: state.database, register: register)
            for record in explanation.records {
                let key = "\(record.kind):\(record.id)"
                XCTAssertEqual(
                    record.holding.holds, simulated.mirror.records[key] != nil ? "yes" : "no", "\(key): what the recipient holds")
                let entity = record.kind == "payment" ? RecordKind.payment : .benefitCase
                let changed =
                    try state.database.scalarInt(
                        "SELECT COUNT(*) FROM record_change WHERE entity = ? AND id = ?",
                        [Int64(entity.rawValue), record.id]) ?? 0
                if changed > 0 && record.holding.holds == "yes" { changedAndHeld += 1 }
            }
        }
        XCTAssertGreaterThan(changedAndHeld, 2, "the night should change records the recipient holds")
        // Every record the recipient holds, asked for one by one: also those upstream deleted or
        // moved that night, which the person's records in the register no longer list.
        for record in simulated.mirror.records.values {
            let key = try XCTUnwrap(Explanation.recordKey(record.key))
            let explanation = try Explanation.gather(
                configuration: configuration, subscriber: subscriber, pnr: record.pnr, record: key,
                date: day, state: state.database, register: register)
            XCTAssertEqual(explanation.records.map(\.holding.holds), ["yes"], "\(record.key)")
        }
    }

    func testARecordOfAnotherPersonAndTheRuleOrder() throws {
        let profile = DeliveryProfile(benefits: ["SJP"], formatVersion: .v1, requiresConsent: true, historyDays: 30)
        let visibility = Visibility(profile: profile, businessDate: CalendarDate("2026-03-01")!, permittedBenefits: ["SJP", "FP"])
        func payment(_ benefit: String, _ status: String, _ date: String) -> RecordVersion {
            RecordVersion(
                id: 1, pnr: "194001011234", benefit: benefit,
                body: .payment(
                    PaymentFields(
                        company: "FK", status: status, periodFrom: nil, periodTo: nil, paymentDate: date, grossOre: 100, taxOre: 0,
                        deductions: [])))
        }
        let member = PopulationStanding.member(PersonTerms(fromDate: "2026-02-15"))
        // Each rule decides only once every earlier one passes.
        XCTAssertEqual(visibility.decidingRule(payment("BOB", "cancelled", "2025-01-01"), standing: .absent), .notInPopulation)
        XCTAssertEqual(visibility.decidingRule(payment("BOB", "cancelled", "2025-01-01"), standing: .withoutRequiredConsent), .noConsent)
        XCTAssertEqual(visibility.decidingRule(payment("BOB", "cancelled", "2026-02-01"), standing: member), .beforeFromDate)
        XCTAssertEqual(
            visibility.decidingRule(payment("BOB", "cancelled", "2026-01-01"), standing: .member(PersonTerms(fromDate: nil))),
            .outsideWindow)
        XCTAssertEqual(visibility.decidingRule(payment("BOB", "cancelled", "2026-02-20"), standing: member), .notPermittedForCategory)
        XCTAssertEqual(visibility.decidingRule(payment("FP", "cancelled", "2026-02-20"), standing: member), .benefitNotOrdered)
        XCTAssertEqual(visibility.decidingRule(payment("SJP", "cancelled", "2026-02-20"), standing: member), .cancelled)
        XCTAssertEqual(visibility.decidingRule(payment("SJP", "preliminary", "2026-02-20"), standing: member), .onlyExecutedInFormat)
        XCTAssertNil(visibility.decidingRule(payment("SJP", "executed", "2026-02-20"), standing: member))
        XCTAssertEqual(Explanation.recordKey("payment:4711"), RecordKey(.payment, 4711))
        XCTAssertEqual(Explanation.recordKey("case:9"), RecordKey(.benefitCase, 9))
        XCTAssertNil(Explanation.recordKey("payment:x"))
        XCTAssertNil(Explanation.recordKey("deduction:1"))
        XCTAssertEqual(DeliveryProfile(fingerprint: profile.fingerprint), profile)
        XCTAssertNil(DeliveryProfile(fingerprint: "format=2;benefits=SJP"))
    }
}
