import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore

/// Format version 3's file: its attributes, what the writer refuses, and validity against
/// `delivery-v3.xsd` with xmllint (and invalidity against version 2's).
final class FormatVersionThreeTests: XCTestCase {
    var folder = ""
    private var scratch: TemporaryFolder?

    override func setUpWithError() throws {
        let scratch = try TemporaryFolder("prenum-v3")
        self.scratch = scratch
        folder = scratch.path
    }

    override func tearDownWithError() throws {
        scratch = nil
    }

    func header(_ version: FormatVersion = .v3, kind: DeliveryKind = .delta) -> DeliveryHeader {
        var header = DeliveryHeader(
            subscriberID: "insurer-a", orgNumber: "5560000001", formatVersion: version, sequence: 8,
            previousSequence: 7, kind: kind, businessDate: CalendarDate("2026-11-23")!,
            createdAt: "2026-11-23T01:00:04Z", keyID: "0123456789abcdef",
            windowFrom: CalendarDate("2025-10-19")!, previousHash: String(repeating: "a", count: 64))
        if version.carriesMirrorFingerprint {
            header.purpose = .claims
            header.legalBasis = Purpose.claims.legalBasis
        }
        return header
    }

    static let payment = RecordVersion(
        id: 1, pnr: "197001011234", benefit: "SJP",
        body: .payment(
            PaymentFields(
                company: "FK", status: "executed", periodFrom: "2026-11-01", periodTo: "2026-11-14", paymentDate: "2026-11-25",
                grossOre: 1_190_000, taxOre: 357_000, deductions: [Deduction(kind: "GARNISHMENT", amountOre: 100_000)],
                registeredAt: "2026-11-15T08:12:00Z")))
    static let closedCase = RecordVersion(
        id: 9, pnr: "197001011234", benefit: "SJP",
        body: .benefitCase(
            CaseFields(
                decision: "granted", openedOn: "2026-11-01", closedOn: "2026-11-14", extentPct: 100, dailyAmountOre: 85_000)))

    func xmllint(_ file: String, _ version: FormatVersion) throws -> ProcessOutcome {
        try ProcessRunner.run(
            "/usr/bin/xmllint", ["--noout", "--schema", try XCTUnwrap(DeliverySchema.xsdPath(formatVersion: version)), file])
    }

    func testAVersionThreeFileCarriesPurposeLegalBasisRegisteredAtAndTheFingerprintAndValidates() throws {
        let file = folder + "/v3.xml"
        let writer = try DeliveryWriter(path: file, header: header())
        try writer.beginPerson(pnr: "197001011234")
        try writer.write(change: .changed, version: Self.closedCase)
        try writer.write(change: .new, version: Self.payment)
        try writer.writeRemoved(key: RecordKey(.payment, 2))
        try writer.endPerson()
        try writer.writeUnsubscribed(pnr: "198502029876")
        var held = CanonicalRecordText.fingerprint(of: Self.closedCase)
        held.add(CanonicalRecordText.fingerprint(of: Self.payment))
        _ = try writer.finish(held: held)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        XCTAssertTrue(text.contains(#"<delivery xmlns="urn:prenum:delivery:v3" formatVersion="3" "#), text)
        XCTAssertTrue(text.contains(#" purpose="claims" legalBasis="SFB 114:26">"#), text)
        XCTAssertTrue(text.contains(#" tax="3570.00" registeredAt="2026-11-15T08:12:00Z">"#), text)
        XCTAssertTrue(
            text.contains(#"<trailer persons="1" records="3" unsubscribed="1" visible="2" fingerprint="\#(held.sum.hex)"/>"#), text)
        let valid = try xmllint(file, .v3)
        XCTAssertEqual(valid.status, 0, valid.errorOutput)
        XCTAssertNotEqual(try xmllint(file, .v2).status, 0, "a version-3 file is not a version-2 file")

        // The XSD states what it can: the trailer's fingerprint and the header's legal basis are required.
        for (from, to) in [
            (#" fingerprint="\#(held.sum.hex)""#, ""), (#" legalBasis="SFB 114:26""#, ""), (#"gross="11900.00""#, #"gross="011900.00""#)
        ] {
            let damaged = folder + "/damaged.xml"
            try Data(text.replacingOccurrences(of: from, with: to).utf8).write(to: URL(fileURLWithPath: damaged))
            XCTAssertNotEqual(try xmllint(damaged, .v3).status, 0, "xmllint should refuse without \(from)")
        }
        // And the reader checks what the XSD cannot.
        let withoutRegistration = folder + "/no-registered.xml"
        try Data(text.replacingOccurrences(of: #" registeredAt="2026-11-15T08:12:00Z""#, with: "").utf8)
            .write(to: URL(fileURLWithPath: withoutRegistration))
        let content = try DeliveryFileReader.read(path: withoutRegistration)
        XCTAssertTrue(content.problems.contains { $0.contains("lacks registeredAt") }, "\(content.problems)")
    }

    func testTheWriterRefusesWhatVersionThreeCannotCarry() throws {
        var legacy = Self.payment
        if case .payment(var fields) = legacy.body {
            fields.registeredAt = nil
            legacy.body = .payment(fields)
        }
        let writer = try DeliveryWriter(path: folder + "/a.xml", header: header())
        try writer.beginPerson(pnr: "197001011234")
        XCTAssertThrowsError(try writer.write(change: .new, version: legacy)) { XCTAssertTrue($0 is DeliveryWriterMisuse) }
        writer.abandon()

        let noTrailer = try DeliveryWriter(path: folder + "/b.xml", header: header())
        XCTAssertThrowsError(try noTrailer.finish()) { XCTAssertTrue($0 is DeliveryWriterMisuse) }
        noTrailer.abandon()
        let version2 = try DeliveryWriter(path: folder + "/c.xml", header: header(.v2))
        XCTAssertThrowsError(try version2.finish(held: .empty)) { XCTAssertTrue($0 is DeliveryWriterMisuse) }
        version2.abandon()
        var noPurpose = header()
        noPurpose.purpose = nil
        XCTAssertThrowsError(try DeliveryWriter(path: folder + "/d.xml", header: noPurpose))
    }

    /// The canonical text as docs/DELIVERY-FORMAT.md shows it, and the empty fingerprint.
    func testCanonicalTextIsAsDocumented() {
        let documented =
            "case␟pnr=197001011234␟id=9␟benefit=SJP␟decision=granted␟openedOn=2026-11-01␟closedOn=2026-11-14␟extentPct=100␟dailyAmount=850.00"
        XCTAssertEqual(
            String(decoding: CanonicalRecordText.text(of: Self.closedCase), as: UTF8.self),
            documented.replacingOccurrences(of: "␟", with: "\u{1F}"))
        XCTAssertEqual(
            String(decoding: CanonicalRecordText.text(of: Self.payment), as: UTF8.self).split(separator: "\u{1F}").map(String.init),
            [
                "payment", "pnr=197001011234", "id=1", "benefit=SJP", "company=FK", "status=executed", "periodFrom=2026-11-01",
                "periodTo=2026-11-14", "paymentDate=2026-11-25", "gross=11900.00", "tax=3570.00",
                "registeredAt=2026-11-15T08:12:00Z", "deduction=GARNISHMENT:1000.00"
            ])
    }

    func testCHANGEDDetectionFollowsWhatEachVersionDelivers() {
        var later = Self.payment
        if case .payment(var fields) = later.body {
            fields.registeredAt = "2026-11-16T00:00:00Z"
            later.body = .payment(fields)
        }
        XCTAssertTrue(FormatVersion.v3.deliveredFieldsDiffer(Self.payment, later))
        XCTAssertFalse(FormatVersion.v2.deliveredFieldsDiffer(Self.payment, later))
        XCTAssertFalse(FormatVersion.v1.deliveredFieldsDiffer(Self.payment, later))
    }
}
