import XCTest

@testable import PrenumCore

/// The per-record decision, case by case, including the window edge that a concurrent-writer
/// test once caught the recipients' documentation disagreeing about.
final class ChangeDecisionTests: XCTestCase {
    let day = CalendarDate("2026-03-03")!
    var visibility: Visibility {
        Visibility(
            profile: DeliveryProfile(benefits: ["AKS", "SJP"], formatVersion: .v2, requiresConsent: false, historyDays: 60),
            businessDate: day)
    }
    var windowStart: String { day.adding(days: -60).description }
    let terms = PersonTerms(fromDate: nil)

    func benefitCase(_ pnr: String, closed: String?, decision: String = "granted", benefit: String = "AKS") -> RecordVersion {
        RecordVersion(
            id: 7, pnr: pnr, benefit: benefit,
            body: .benefitCase(
                CaseFields(
                    decision: decision, openedOn: "2025-02-28", closedOn: closed, extentPct: 75, dailyAmountOre: 54240)))
    }

    func testNewChangedRemovedAndNothing() {
        let old = benefitCase("195609261374", closed: nil)
        XCTAssertEqual(ChangeDecision.decide(old: nil, new: old, heldTerms: nil, nowTerms: terms, visibility: visibility), .new(old))
        let changed = benefitCase("195609261374", closed: nil, decision: "withdrawn")
        XCTAssertEqual(
            ChangeDecision.decide(old: old, new: changed, heldTerms: terms, nowTerms: terms, visibility: visibility), .changed(changed))
        XCTAssertEqual(ChangeDecision.decide(old: old, new: old, heldTerms: terms, nowTerms: terms, visibility: visibility), .none)
        XCTAssertEqual(
            ChangeDecision.decide(old: old, new: nil, heldTerms: terms, nowTerms: nil, visibility: visibility),
            .removed(old.key, pnr: "195609261374"))
        let unordered = benefitCase("195609261374", closed: nil, benefit: "BOB")
        XCTAssertEqual(
            ChangeDecision.decide(old: unordered, new: unordered, heldTerms: terms, nowTerms: terms, visibility: visibility), .none)
    }

    /// A case closed the day before today's window starts was held yesterday, but the recipient
    /// drops it when it applies today's window first; reopened, it must come as NEW.
    func testRecordBackFromBeforeTheWindowIsNew() {
        let yesterdaysEdge = day.adding(days: -61).description
        let old = benefitCase("195609261374", closed: yesterdaysEdge)
        let reopened = benefitCase("200804131092", closed: nil)
        XCTAssertEqual(
            ChangeDecision.decide(old: old, new: reopened, heldTerms: terms, nowTerms: terms, visibility: visibility), .new(reopened))
        // Sliding out of the window alone says nothing.
        XCTAssertEqual(ChangeDecision.decide(old: old, new: old, heldTerms: terms, nowTerms: terms, visibility: visibility), .none)
        // Closed on the window's first day is still inside.
        let edge = benefitCase("195609261374", closed: windowStart)
        XCTAssertEqual(
            ChangeDecision.decide(old: edge, new: reopened, heldTerms: terms, nowTerms: terms, visibility: visibility), .changed(reopened))
    }

    /// A record that moves between two persons of the population is one CHANGED under the new
    /// person; to a person outside it, one REMOVED under the old.
    func testMovesBetweenPersons() {
        let old = benefitCase("195609261374", closed: nil)
        let moved = benefitCase("200804131092", closed: nil)
        let both = ChangeDecision.decide(old: old, new: moved, heldTerms: terms, nowTerms: terms, visibility: visibility)
        XCTAssertEqual(both, .changed(moved))
        XCTAssertEqual(both.pnr, "200804131092")
        let away = ChangeDecision.decide(old: old, new: moved, heldTerms: terms, nowTerms: nil, visibility: visibility)
        XCTAssertEqual(away, .removed(old.key, pnr: "195609261374"))
    }

    func testFormatOneSeesOnlyExecutedPaymentsAndNotTheirStatus() {
        let v1 = Visibility(
            profile: DeliveryProfile(benefits: ["SJP"], formatVersion: .v1, requiresConsent: false, historyDays: 60), businessDate: day)
        func payment(_ status: String, company: String = "FK") -> RecordVersion {
            RecordVersion(
                id: 1, pnr: "195609261374", benefit: "SJP",
                body: .payment(
                    PaymentFields(
                        company: company, status: status, periodFrom: nil, periodTo: nil, paymentDate: "2026-03-25",
                        grossOre: 100, taxOre: 30, deductions: [])))
        }
        XCTAssertEqual(ChangeDecision.decide(old: nil, new: payment("preliminary"), heldTerms: nil, nowTerms: terms, visibility: v1), .none)
        XCTAssertEqual(
            ChangeDecision.decide(old: payment("preliminary"), new: payment("executed"), heldTerms: terms, nowTerms: terms, visibility: v1),
            .new(payment("executed")))
        // Company is not delivered in format 1, so changing it alone is no change there.
        XCTAssertEqual(
            ChangeDecision.decide(
                old: payment("executed"), new: payment("executed", company: "PM"), heldTerms: terms, nowTerms: terms, visibility: v1), .none
        )
        XCTAssertEqual(
            ChangeDecision.decide(old: payment("executed"), new: payment("cancelled"), heldTerms: terms, nowTerms: terms, visibility: v1),
            .removed(RecordKey(.payment, 1), pnr: "195609261374"))
    }
}
