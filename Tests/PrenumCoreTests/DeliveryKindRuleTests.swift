import XCTest

@testable import PrenumCore

/// One test per branch of the DELTA-or-FULL rule: only a subscriber whose last file was made
/// at the run's base watermark, for the same profile, with no refresh ordered, gets a DELTA.
final class DeliveryKindRuleTests: XCTestCase {
    let profile = DeliveryProfile(benefits: ["AKS", "SJP"], formatVersion: .v2, requiresConsent: false, historyDays: 60)
    let base: Int64 = 40

    func position(watermark: Int64?, profile fingerprint: String?, refreshPending: Bool = false) -> SubscriberPosition {
        SubscriberPosition(
            subscriber: "muni", lastSequence: 3, lastXMLSHA256: String(repeating: "a", count: 64),
            lastBusinessDate: CalendarDate("2026-03-02"), watermark: watermark, profile: fingerprint,
            refreshPending: refreshPending)
    }

    func kind(_ position: SubscriberPosition) -> DeliveryKind {
        DeliveryKindRule.kind(position: position, profile: profile, baseWatermark: base)
    }

    func testAtTheBaseForTheSameProfileIsADelta() {
        XCTAssertEqual(kind(position(watermark: base, profile: profile.fingerprint)), .delta)
    }

    func testAFirstFileIsFull() {
        XCTAssertEqual(kind(.initial("muni")), .full)
    }

    func testAMissedNightIsFull() {
        XCTAssertEqual(kind(position(watermark: base - 5, profile: profile.fingerprint)), .full)
    }

    func testAnUnknownWatermarkIsFull() {
        XCTAssertEqual(kind(position(watermark: nil, profile: profile.fingerprint)), .full)
    }

    func testAChangedProfileIsFull() {
        let wider = DeliveryProfile(benefits: ["AKS", "SJP", "BOB"], formatVersion: .v2, requiresConsent: false, historyDays: 60)
        XCTAssertEqual(kind(position(watermark: base, profile: wider.fingerprint)), .full)
        XCTAssertEqual(kind(position(watermark: base, profile: nil)), .full)
    }

    func testAnOrderedRefreshIsFull() {
        XCTAssertEqual(kind(position(watermark: base, profile: profile.fingerprint, refreshPending: true)), .full)
    }
}
