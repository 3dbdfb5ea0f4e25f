import Foundation
import PrenumCrypto
import PrenumTestSupport
import XCTest

@testable import PrenumCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

final class DeliveryWriterTests: XCTestCase {
    private var folder = ""
    private var scratch: TemporaryFolder?

    override func setUpWithError() throws {
        scratch = try TemporaryFolder("prenum-delivery")
        folder = scratch?.path ?? ""
    }

    override func tearDownWithError() throws {
        scratch = nil
    }

    // MARK: - Fixtures

    private static let hash = "9f2c" + String(repeating: "0", count: 59) + "1"

    private func header(_ formatVersion: Int = 2, kind: DeliveryKind = .delta, sequence: Int64 = 7) -> DeliveryHeader {
        DeliveryHeader(
            subscriberID: "insurer-a", orgNumber: "5560000001", formatVersion: FormatVersion(number: formatVersion)!,
            sequence: sequence, previousSequence: sequence - 1, kind: kind,
            businessDate: CalendarDate(year: 2026, month: 11, day: 22)!, createdAt: "2026-11-22T01:00:04Z",
            keyID: "0123456789abcdef", windowFrom: CalendarDate(year: 2025, month: 10, day: 18)!,
            previousHash: Self.hash)
    }

    private func caseVersion(
        _ id: Int64, pnr: String, benefit: String = "SJP", decision: String = "granted",
        openedOn: String = "2026-11-01", closedOn: String? = "2026-11-14",
        extentPct: Int64? = 100, dailyAmountOre: Int64? = 85_000
    ) -> RecordVersion {
        RecordVersion(
            id: id, pnr: pnr, benefit: benefit,
            body: .benefitCase(
                CaseFields(
                    decision: decision, openedOn: openedOn, closedOn: closedOn,
                    extentPct: extentPct, dailyAmountOre: dailyAmountOre)))
    }

    private func paymentVersion(
        _ id: Int64, pnr: String, benefit: String = "SJP", status: String = "executed",
        periodFrom: String? = "2026-11-01", periodTo: String? = "2026-11-14",
        grossOre: Int64 = 1_190_000, taxOre: Int64 = 357_000,
        deductions: [Deduction] = []
    ) -> RecordVersion {
        RecordVersion(
            id: id, pnr: pnr, benefit: benefit,
            body: .payment(
                PaymentFields(
                    company: "FK", status: status, periodFrom: periodFrom, periodTo: periodTo,
                    paymentDate: "2026-11-25", grossOre: grossOre, taxOre: taxOre,
                    deductions: deductions)))
    }

    private func path(_ name: String) -> String { folder + "/" + name }

    private func text(_ path: String) throws -> String {
        String(decoding: try XCTUnwrap(FileManager.default.contents(atPath: path)), as: UTF8.self)
    }

    /// The SPEC section 4 example's content.
    @discardableResult
    private func writeSpecExample(to file: String, formatVersion: Int = 2) throws -> DeliveryFileSummary {
        let writer = try DeliveryWriter(path: file, header: header(formatVersion))
        try writer.beginPerson(pnr: "197001011234")
        try writer.write(change: .changed, version: caseVersion(9, pnr: "197001011234"))
        try writer.write(
            change: .new,
            version: paymentVersion(
                1, pnr: "197001011234",
                deductions: [Deduction(kind: "GARNISHMENT", amountOre: 100_000)]))
        try writer.writeRemoved(key: RecordKey(.payment, 2))
        try writer.endPerson()
        try writer.writeUnsubscribed(pnr: "198502029876")
        return try writer.finish()
    }

    /// A richer file: NULL attributes, REMOVED cases, several deductions, an empty person,
    /// negative amounts, two unsubscribed persons.
    @discardableResult
    private func writeRichFile(to file: String, formatVersion: Int) throws -> DeliveryFileSummary {
        let writer = try DeliveryWriter(path: file, header: header(formatVersion))
        try writer.beginPerson(pnr: "195001010003")
        try writer.endPerson()
        try writer.beginPerson(pnr: "197001011234")
        try writer.write(change: .changed, version: caseVersion(9, pnr: "197001011234"))
        try writer.write(
            change: .new,
            version: paymentVersion(
                1, pnr: "197001011234",
                deductions: [
                    Deduction(kind: "SOCIAL_ASSISTANCE", amountOre: 25_050), Deduction(kind: "GARNISHMENT", amountOre: 100_000)
                ]))
        try writer.writeRemoved(key: RecordKey(.payment, 2))
        try writer.endPerson()
        try writer.beginPerson(pnr: "198112189876")
        try writer.writeRemoved(key: RecordKey(.benefitCase, 3))
        try writer.write(
            change: .new,
            version: caseVersion(
                12, pnr: "198112189876", benefit: "TFP", decision: "pending",
                closedOn: nil, extentPct: nil, dailyAmountOre: nil))
        try writer.write(
            change: .changed,
            version: paymentVersion(
                40, pnr: "198112189876", benefit: "BOB", status: "preliminary",
                periodFrom: nil, periodTo: nil, grossOre: -1_250, taxOre: 0))
        try writer.endPerson()
        try writer.writeUnsubscribed(pnr: "198502029876")
        try writer.writeUnsubscribed(pnr: "199001019999")
        return try writer.finish()
    }

    // MARK: - External tools

    /// xmllint's status and everything it printed (its verdict goes to standard error).
    private func xmllint(_ file: String, formatVersion: Int) throws -> (status: Int32, text: String) {
        let xsd = try XCTUnwrap(DeliverySchema.xsdPath(formatVersion: FormatVersion(number: formatVersion)!))
        let outcome = try ProcessRunner.run("/usr/bin/xmllint", ["--noout", "--schema", xsd, file])
        return (outcome.status, outcome.output + outcome.errorOutput)
    }

    private func assertValid(_ file: String, formatVersion: Int, line: UInt = #line) throws {
        let outcome = try xmllint(file, formatVersion: formatVersion)
        XCTAssertEqual(outcome.status, 0, outcome.text, line: line)
    }

    private func assertInvalid(_ file: String, formatVersion: Int, mentioning word: String, line: UInt = #line) throws {
        let outcome = try xmllint(file, formatVersion: formatVersion)
        XCTAssertNotEqual(outcome.status, 0, "expected a schema failure", line: line)
        XCTAssertTrue(outcome.text.contains(word), outcome.text, line: line)
    }

    /// Writes edited text to a new file.
    private func edited(_ source: String, _ name: String, _ edit: (String) -> String) throws -> String {
        let original = try text(source)
        let changed = edit(original)
        XCTAssertNotEqual(changed, original, "the edit must change something")
        let target = path(name)
        XCTAssertTrue(FileManager.default.createFile(atPath: target, contents: Data(changed.utf8)))
        return target
    }

    // MARK: - Exact layout

    func testSpecExampleIsWrittenByteForByte() throws {
        let file = path("spec.xml")
        let summary = try writeSpecExample(to: file)
        // The SPEC's example with each element on one line.
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <delivery xmlns="urn:prenum:delivery:v2" formatVersion="2" subscriber="insurer-a" orgNumber="5560000001" \
            sequence="7" previousSequence="6" kind="DELTA" businessDate="2026-11-22" createdAt="2026-11-22T01:00:04Z" \
            keyId="0123456789abcdef" windowFrom="2025-10-18" previousHash="\(Self.hash)">
              <person pnr="197001011234">
                <case id="9" change="CHANGED" benefit="SJP" decision="granted" openedOn="2026-11-01" closedOn="2026-11-14" \
            extentPct="100" dailyAmount="850.00"/>
                <payment id="1" change="NEW" benefit="SJP" company="FK" status="executed" periodFrom="2026-11-01" \
            periodTo="2026-11-14" paymentDate="2026-11-25" gross="11900.00" tax="3570.00">
                  <deduction kind="GARNISHMENT" amount="1000.00"/>
                </payment>
                <payment id="2" change="REMOVED"/>
              </person>
              <unsubscribed pnr="198502029876"/>
              <trailer persons="1" records="3" unsubscribed="1"/>
            </delivery>

            """
        XCTAssertEqual(try text(file), expected)
        XCTAssertEqual(summary.persons, 1)
        XCTAssertEqual(summary.records, 3)
        XCTAssertEqual(summary.unsubscribed, 1)
        XCTAssertEqual(summary.byteCount, Int64(expected.utf8.count))
        try assertValid(file, formatVersion: 2)
    }

    func testFormatVersionOneOmitsCompanyStatusAndDeductions() throws {
        let file = path("v1.xml")
        try writeSpecExample(to: file, formatVersion: 1)
        let lines = try text(file).split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[1].hasPrefix("<delivery xmlns=\"urn:prenum:delivery:v1\" formatVersion=\"1\" subscriber="))
        XCTAssertEqual(
            lines[4],
            "    <payment id=\"1\" change=\"NEW\" benefit=\"SJP\" periodFrom=\"2026-11-01\" "
                + "periodTo=\"2026-11-14\" paymentDate=\"2026-11-25\" gross=\"11900.00\" tax=\"3570.00\"/>")
        XCTAssertFalse(lines.contains { $0.contains("deduction") || $0.contains("company=") || $0.contains("status=") })
        try assertValid(file, formatVersion: 1)
    }

    func testEmptyDelta() throws {
        let file = path("empty.xml")
        let writer = try DeliveryWriter(path: file, header: header(1, sequence: 1))
        let summary = try writer.finish()
        let expected = """
            <?xml version="1.0" encoding="UTF-8"?>
            <delivery xmlns="urn:prenum:delivery:v1" formatVersion="1" subscriber="insurer-a" orgNumber="5560000001" \
            sequence="1" previousSequence="0" kind="DELTA" businessDate="2026-11-22" createdAt="2026-11-22T01:00:04Z" \
            keyId="0123456789abcdef" windowFrom="2025-10-18" previousHash="\(Self.hash)">
              <trailer persons="0" records="0" unsubscribed="0"/>
            </delivery>

            """
        XCTAssertEqual(try text(file), expected)
        XCTAssertEqual(
            summary,
            DeliveryFileSummary(
                sha256: try ProcessRunner.sha256sum(file), byteCount: Int64(expected.utf8.count),
                persons: 0, records: 0, unsubscribed: 0))
        try assertValid(file, formatVersion: 1)
    }

    /// A person opened but given no record leaves no trace, and says so: the disclosure
    /// index records only the persons a file names.
    func testEndPersonSaysWhetherThePersonWasWritten() throws {
        let file = path("named.xml")
        let writer = try DeliveryWriter(path: file, header: header())
        try writer.beginPerson(pnr: "194001011234")
        XCTAssertFalse(try writer.endPerson())
        try writer.beginPerson(pnr: "195502023456")
        try writer.write(change: .new, version: caseVersion(1, pnr: "195502023456"))
        XCTAssertTrue(try writer.endPerson())
        XCTAssertEqual(try writer.finish().persons, 1)
        XCTAssertFalse(try text(file).contains("194001011234"))
    }

    // MARK: - Schema validation

    func testRichFilesValidateForBothVersions() throws {
        for version in [1, 2] {
            let file = path("rich-v\(version).xml")
            let summary = try writeRichFile(to: file, formatVersion: version)
            XCTAssertEqual(summary.persons, 2, "the empty person is not written")
            XCTAssertEqual(summary.records, 6)
            XCTAssertEqual(summary.unsubscribed, 2)
            XCTAssertFalse(try text(file).contains("195001010003"))
            try assertValid(file, formatVersion: version)
            // A file of one version is not valid against the other's schema.
            try assertInvalid(file, formatVersion: 3 - version, mentioning: "delivery")
        }
    }

    func testSpecExampleAsTypedInTheSpecValidates() throws {
        let file = path("spec-typed.xml")
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <delivery xmlns="urn:prenum:delivery:v2" formatVersion="2" subscriber="insurer-a"
                      orgNumber="5560000001" sequence="7" previousSequence="6" kind="DELTA"
                      businessDate="2026-11-22" createdAt="2026-11-22T01:00:04Z"
                      keyId="0123456789abcdef" windowFrom="2025-10-18"
                      previousHash="9f2c86a1d0e4b3c5a7f9e1d3b5c7a9e1f3d5b7c9a1e3f5d7b9c1a3e5f7d9b1c3">
              <person pnr="197001011234">
                <case id="9" change="CHANGED" benefit="SJP" decision="granted" openedOn="2026-11-01"
                      closedOn="2026-11-14" extentPct="100" dailyAmount="850.00"/>
                <payment id="1" change="NEW" benefit="SJP" company="FK" status="executed"
                         periodFrom="2026-11-01" periodTo="2026-11-14" paymentDate="2026-11-25"
                         gross="11900.00" tax="3570.00">
                  <deduction kind="GARNISHMENT" amount="1000.00"/>
                </payment>
                <payment id="2" change="REMOVED"/>
              </person>
              <unsubscribed pnr="198502029876"/>
              <trailer persons="1" records="3" unsubscribed="1"/>
            </delivery>

            """
        XCTAssertTrue(FileManager.default.createFile(atPath: file, contents: Data(document.utf8)))
        try assertValid(file, formatVersion: 2)
    }

    func testVersionTwoVocabularyInVersionOneFileFails() throws {
        let file = path("v1.xml")
        try writeSpecExample(to: file, formatVersion: 1)
        try assertValid(file, formatVersion: 1)
        let withCompany = try edited(file, "company.xml") {
            $0.replacingOccurrences(of: "change=\"NEW\" benefit=\"SJP\"", with: "change=\"NEW\" benefit=\"SJP\" company=\"FK\"")
        }
        try assertInvalid(withCompany, formatVersion: 1, mentioning: "company")
        let withDeduction = try edited(file, "deduction.xml") {
            $0.replacingOccurrences(
                of: "tax=\"3570.00\"/>",
                with: "tax=\"3570.00\"><deduction kind=\"GARNISHMENT\" amount=\"1.00\"/></payment>")
        }
        try assertInvalid(withDeduction, formatVersion: 1, mentioning: "deduction")
    }

    func testSchemaRejectsBadValues() throws {
        let file = path("spec.xml")
        try writeSpecExample(to: file)
        let cases: [(String, String, String)] = [
            ("pnr=\"197001011234\"", "pnr=\"19700101123\"", "pnr"),
            ("pnr=\"197001011234\"", "pnr=\"19700101123X\"", "pnr"),
            ("gross=\"11900.00\"", "gross=\"11900.0\"", "gross"),
            ("gross=\"11900.00\"", "gross=\"11900\"", "gross"),
            ("change=\"NEW\"", "change=\"ADDED\"", "change"),
            ("kind=\"DELTA\"", "kind=\"delta\"", "kind"),
            ("extentPct=\"100\"", "extentPct=\"60\"", "extentPct"),
            ("company=\"FK\"", "company=\"XX\"", "company"),
            ("status=\"executed\"", "status=\"cancelled\"", "status"),
            ("decision=\"granted\"", "decision=\"maybe\"", "decision"),
            ("keyId=\"0123456789abcdef\"", "keyId=\"0123456789ABCDEF\"", "keyId"),
            ("previousHash=\"9f2c", "previousHash=\"9f2", "previousHash"),
            ("orgNumber=\"5560000001\"", "orgNumber=\"556000-0001\"", "orgNumber"),
            ("subscriber=\"insurer-a\"", "subscriber=\"Insurer-A\"", "subscriber"),
            ("openedOn=\"2026-11-01\"", "openedOn=\"2026-11-1\"", "openedOn"),
            ("createdAt=\"2026-11-22T01:00:04Z\"", "createdAt=\"2026-11-22T01:00:04+01:00\"", "createdAt"),
            ("formatVersion=\"2\"", "formatVersion=\"3\"", "formatVersion")
        ]
        for (index, (from, to, word)) in cases.enumerated() {
            let bad = try edited(file, "bad-\(index).xml") { $0.replacingOccurrences(of: from, with: to) }
            try assertInvalid(bad, formatVersion: 2, mentioning: word)
        }
        // Order and structure: a case after a payment, a person after an unsubscribed, no trailer.
        let original = try text(file)
        let caseLine = try XCTUnwrap(original.split(separator: "\n").first { $0.contains("<case ") })
        let caseAfterPayment = try edited(file, "order.xml") {
            $0.replacingOccurrences(of: caseLine + "\n", with: "")
                .replacingOccurrences(of: "  </person>", with: caseLine + "\n  </person>")
        }
        try assertInvalid(caseAfterPayment, formatVersion: 2, mentioning: "case")
        let noTrailer = try edited(file, "trailer.xml") {
            $0.replacingOccurrences(of: "  <trailer persons=\"1\" records=\"3\" unsubscribed=\"1\"/>\n", with: "")
        }
        try assertInvalid(noTrailer, formatVersion: 2, mentioning: "unsubscribed")
    }

    // MARK: - Values

    func testReparsingRecoversWrittenValues() throws {
        let file = path("rich.xml")
        try writeRichFile(to: file, formatVersion: 2)
        let elements = try parse(file)
        let expected: [(String, [String: String])] = [
            (
                "delivery",
                [
                    "xmlns": "urn:prenum:delivery:v2", "formatVersion": "2", "subscriber": "insurer-a",
                    "orgNumber": "5560000001", "sequence": "7", "previousSequence": "6", "kind": "DELTA",
                    "businessDate": "2026-11-22", "createdAt": "2026-11-22T01:00:04Z", "keyId": "0123456789abcdef",
                    "windowFrom": "2025-10-18", "previousHash": Self.hash
                ]
            ),
            ("person", ["pnr": "197001011234"]),
            (
                "case",
                [
                    "id": "9", "change": "CHANGED", "benefit": "SJP", "decision": "granted", "openedOn": "2026-11-01",
                    "closedOn": "2026-11-14", "extentPct": "100", "dailyAmount": "850.00"
                ]
            ),
            (
                "payment",
                [
                    "id": "1", "change": "NEW", "benefit": "SJP", "company": "FK", "status": "executed",
                    "periodFrom": "2026-11-01", "periodTo": "2026-11-14", "paymentDate": "2026-11-25",
                    "gross": "11900.00", "tax": "3570.00"
                ]
            ),
            // Deductions come sorted by kind.
            ("deduction", ["kind": "GARNISHMENT", "amount": "1000.00"]),
            ("deduction", ["kind": "SOCIAL_ASSISTANCE", "amount": "250.50"]),
            ("payment", ["id": "2", "change": "REMOVED"]),
            ("person", ["pnr": "198112189876"]),
            ("case", ["id": "3", "change": "REMOVED"]),
            ("case", ["id": "12", "change": "NEW", "benefit": "TFP", "decision": "pending", "openedOn": "2026-11-01"]),
            (
                "payment",
                [
                    "id": "40", "change": "CHANGED", "benefit": "BOB", "company": "FK", "status": "preliminary",
                    "paymentDate": "2026-11-25", "gross": "-12.50", "tax": "0.00"
                ]
            ),
            ("unsubscribed", ["pnr": "198502029876"]),
            ("unsubscribed", ["pnr": "199001019999"]),
            ("trailer", ["persons": "2", "records": "6", "unsubscribed": "2"])
        ]
        XCTAssertEqual(elements.count, expected.count)
        for (got, want) in zip(elements, expected) {
            XCTAssertEqual(got.name, want.0)
            var attributes = got.attributes
            if got.name == "delivery" && attributes["xmlns"] == nil { attributes["xmlns"] = got.namespace }
            XCTAssertEqual(attributes, want.1, "element \(want.0)")
        }
    }

    func testOddCharactersAreEscaped() throws {
        let file = path("odd.xml")
        let benefit = "A&B<C>\"D'E"
        let kind = "tab\there\nnew\rline ö\u{1}x\u{FFFE}"
        // A version holding such a kind is quarantined at the snapshot and refused by the writer
        // (`UndeliverableValue`); the escaping stays the defence for every text the writer writes.
        let refused = try DeliveryWriter(path: path("refused.xml"), header: header())
        try refused.beginPerson(pnr: "197001011234")
        XCTAssertThrowsError(
            try refused.write(
                change: .new,
                version: paymentVersion(
                    5, pnr: "197001011234",
                    deductions: [Deduction(kind: kind, amountOre: 1)])))
        refused.abandon()
        let writer = try DeliveryWriter(path: file, header: header())
        try writer.beginPerson(pnr: "197001011234")
        try writer.write(
            change: .new,
            version: paymentVersion(
                5, pnr: "197001011234", benefit: benefit,
                deductions: [Deduction(kind: "line ö", amountOre: 1)]))
        try writer.endPerson()
        _ = try writer.finish()
        let raw = try text(file)
        XCTAssertTrue(raw.contains("benefit=\"A&amp;B&lt;C&gt;&quot;D'E\""), raw)
        var escaped = XMLBytes(capacity: 128)
        escaped.literal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<deduction")
        escaped.attribute("kind", kind)
        escaped.literal("/>\n")
        let snippet = path("escaped.xml")
        try Data(escaped.bytes).write(to: URL(fileURLWithPath: snippet))
        let escapedText = try text(snippet)
        XCTAssertTrue(escapedText.contains("kind=\"tab&#x9;here&#xA;new&#xD;line ö\u{FFFD}x\u{FFFD}\""), escapedText)
        try assertValid(file, formatVersion: 2)
        let elements = try parse(file)
        XCTAssertEqual(elements.first { $0.name == "payment" }?.attributes["benefit"], benefit)
        // Characters XML 1.0 cannot carry at all become U+FFFD; the rest survive exactly.
        XCTAssertEqual(
            try parse(snippet).first { $0.name == "deduction" }?.attributes["kind"],
            "tab\there\nnew\rline ö\u{FFFD}x\u{FFFD}")
    }

    func testAmountFormatting() throws {
        let file = path("amounts.xml")
        let amounts: [(Int64, String)] = [
            (0, "0.00"), (5, "0.05"), (100, "1.00"), (-1250, "-12.50"),
            (123_456_789, "1234567.89"), (-5, "-0.05"), (99, "0.99"),
            (Int64.max, "92233720368547758.07"), (Int64.min, "-92233720368547758.08")
        ]
        let writer = try DeliveryWriter(path: file, header: header())
        try writer.beginPerson(pnr: "197001011234")
        for (index, amount) in amounts.enumerated() {
            try writer.write(
                change: .new,
                version: paymentVersion(
                    Int64(index + 1), pnr: "197001011234",
                    grossOre: amount.0, taxOre: amount.0 / 2))
        }
        try writer.endPerson()
        _ = try writer.finish()
        let grosses = try parse(file).filter { $0.name == "payment" }.map { $0.attributes["gross"] ?? "" }
        XCTAssertEqual(grosses, amounts.map(\.1))
        try assertValid(file, formatVersion: 2)
    }

    // MARK: - Determinism, hashing, file handling

    func testSameInputTwiceIsByteIdenticalAndHashMatchesSha256sum() throws {
        let first = try writeRichFile(to: path("a.xml"), formatVersion: 2)
        let second = try writeRichFile(to: path("b.xml"), formatVersion: 2)
        XCTAssertEqual(FileManager.default.contents(atPath: path("a.xml")), FileManager.default.contents(atPath: path("b.xml")))
        XCTAssertEqual(first, second)
        XCTAssertEqual(first.sha256, try ProcessRunner.sha256sum(path("a.xml")))
        let size = try FileManager.default.attributesOfItem(atPath: path("a.xml"))[.size] as? NSNumber
        XCTAssertEqual(first.byteCount, size?.int64Value)
    }

    func testLargeFileStreamsThroughManyFlushes() throws {
        let file = path("large.xml")
        let writer = try DeliveryWriter(path: file, header: header())
        let personCount = 50_000
        let started = Date()
        for index in 0..<personCount {
            let pnr = String(197_000_000_000 + Int64(index) * 7)
            try writer.beginPerson(pnr: pnr)
            try writer.write(change: .new, version: caseVersion(Int64(index), pnr: pnr))
            try writer.write(
                change: .changed,
                version: paymentVersion(
                    Int64(index) * 2, pnr: pnr,
                    deductions: [Deduction(kind: "GARNISHMENT", amountOre: 5)]))
            try writer.writeRemoved(key: RecordKey(.payment, Int64(index) * 2 + 1))
            try writer.endPerson()
        }
        let summary = try writer.finish()
        let seconds = Date().timeIntervalSince(started)
        print("DeliveryWriter: \(summary.records) records, \(summary.byteCount) bytes in \(String(format: "%.2f", seconds)) s")
        XCTAssertEqual(summary.records, personCount * 3)
        XCTAssertGreaterThan(summary.byteCount, 20 * 65_536)
        XCTAssertEqual(summary.sha256, try ProcessRunner.sha256sum(file))
        try assertValid(file, formatVersion: 2)
        let trailer = try XCTUnwrap(try text(file).split(separator: "\n").dropLast().last)
        XCTAssertEqual(String(trailer), "  <trailer persons=\"\(personCount)\" records=\"\(personCount * 3)\" unsubscribed=\"0\"/>")
    }

    func testFileModeAndExclusiveCreation() throws {
        let previous = umask(0o077)
        defer { umask(previous) }
        let file = path("mode.xml")
        try writeSpecExample(to: file)
        let mode = try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o640)
        let before = try text(file)
        XCTAssertThrowsError(try DeliveryWriter(path: file, header: header())) {
            XCTAssertEqual(($0 as? PrenumFailure)?.exitCode, .cannotCreate)
        }
        XCTAssertEqual(try text(file), before)
    }

    func testAbandonRemovesTheFile() throws {
        let file = path("abandoned.xml")
        let writer = try DeliveryWriter(path: file, header: header())
        try writer.beginPerson(pnr: "197001011234")
        XCTAssertTrue(FileManager.default.fileExists(atPath: file))
        writer.abandon()
        XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        writer.abandon()
        XCTAssertThrowsError(try writer.finish())
    }

    // MARK: - Contract violations

    private func assertMisuse(
        _ name: String, _ header: DeliveryHeader? = nil,
        _ steps: (DeliveryWriter) throws -> Void, line: UInt = #line
    ) throws {
        let writer = try DeliveryWriter(path: path(name + ".xml"), header: header ?? self.header())
        XCTAssertThrowsError(try steps(writer), name, line: line) { error in
            XCTAssertTrue(error is DeliveryWriterMisuse, "\(name): \(error)", line: line)
            XCTAssertFalse(String(describing: error).contains("1970010112"), "no personnummer in errors", line: line)
        }
        // After a violation the writer refuses to complete the file.
        XCTAssertThrowsError(try writer.finish(), name, line: line)
        writer.abandon()
    }

    func testOrderingViolationsThrow() throws {
        let a = "197001011234", b = "198112189876"
        try assertMisuse("pnr-descending") { w in
            try w.beginPerson(pnr: b)
            try w.endPerson()
            try w.beginPerson(pnr: a)
        }
        try assertMisuse("pnr-repeated") { w in
            try w.beginPerson(pnr: a)
            try w.endPerson()
            try w.beginPerson(pnr: a)
        }
        try assertMisuse("payment-before-case") { w in
            try w.beginPerson(pnr: a)
            try w.write(change: .new, version: self.paymentVersion(1, pnr: a))
            try w.write(change: .new, version: self.caseVersion(2, pnr: a))
        }
        try assertMisuse("ids-descending") { w in
            try w.beginPerson(pnr: a)
            try w.write(change: .new, version: self.caseVersion(5, pnr: a))
            try w.writeRemoved(key: RecordKey(.benefitCase, 4))
        }
        try assertMisuse("id-repeated") { w in
            try w.beginPerson(pnr: a)
            try w.writeRemoved(key: RecordKey(.payment, 4))
            try w.write(change: .changed, version: self.paymentVersion(4, pnr: a))
        }
        try assertMisuse("person-after-unsubscribed") { w in
            try w.writeUnsubscribed(pnr: a)
            try w.beginPerson(pnr: b)
        }
        try assertMisuse("unsubscribed-descending") { w in
            try w.writeUnsubscribed(pnr: b)
            try w.writeUnsubscribed(pnr: a)
        }
        try assertMisuse("unsubscribed-inside-person") { w in
            try w.beginPerson(pnr: a)
            try w.writeUnsubscribed(pnr: b)
        }
        try assertMisuse("record-outside-person") { w in
            try w.write(change: .new, version: self.caseVersion(1, pnr: a))
        }
        try assertMisuse("removed-through-write") { w in
            try w.beginPerson(pnr: a)
            try w.write(change: .removed, version: self.caseVersion(1, pnr: a))
        }
        try assertMisuse("record-of-other-person") { w in
            try w.beginPerson(pnr: a)
            try w.write(change: .new, version: self.caseVersion(1, pnr: b))
        }
        try assertMisuse("bad-pnr") { w in try w.beginPerson(pnr: "19700101123") }
        try assertMisuse("finish-inside-person") { w in
            try w.beginPerson(pnr: a)
            _ = try w.finish()
        }
        try assertMisuse("full-changed", header(kind: .full)) { w in
            try w.beginPerson(pnr: a)
            try w.write(change: .changed, version: self.caseVersion(1, pnr: a))
        }
        try assertMisuse("full-removed", header(kind: .full)) { w in
            try w.beginPerson(pnr: a)
            try w.writeRemoved(key: RecordKey(.payment, 1))
        }
        try assertMisuse("full-unsubscribed", header(kind: .full)) { w in try w.writeUnsubscribed(pnr: a) }
    }

    func testBadHeaderIsRefusedBeforeTheFileExists() throws {
        var headers: [(String, DeliveryHeader)] = []
        var h = header()
        h.previousSequence = 5
        headers.append(("previousSequence", h))
        h = header()
        h.sequence = 0
        h.previousSequence = -1
        headers.append(("sequence", h))
        h = header()
        h.formatVersion = .v3
        headers.append(("purpose", h))
        h = header()
        h.legalBasis = "SFB 114:24"
        headers.append(("purpose", h))
        h = header()
        h.previousHash = String(repeating: "A", count: 64)
        headers.append(("previousHash", h))
        h = header()
        h.keyID = "0123"
        headers.append(("keyId", h))
        h = header()
        h.subscriberID = "-bad"
        headers.append(("subscriber", h))
        h = header()
        h.orgNumber = "556000000"
        headers.append(("orgNumber", h))
        h = header()
        h.createdAt = "2026-11-22 01:00:04"
        headers.append(("createdAt", h))
        for (field, bad) in headers {
            let file = path("header-\(field).xml")
            XCTAssertThrowsError(try DeliveryWriter(path: file, header: bad)) {
                XCTAssertTrue(String(describing: $0).contains(field), "\($0)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: file))
        }
        var first = header(sequence: 1)
        first.previousHash = DeliveryHeader.firstPreviousHash
        XCTAssertNoThrow(try DeliveryWriter(path: path("first.xml"), header: first).abandon())
    }

    // MARK: - File names and schema location

    func testFileNames() throws {
        let date = try XCTUnwrap(CalendarDate(year: 2026, month: 11, day: 22))
        let name = DeliveryFileName(subscriberID: "insurer-a", sequence: 7, businessDate: date, kind: .delta)
        XCTAssertEqual(name.xmlName, "insurer-a-00000007-20261122-DELTA.xml")
        XCTAssertEqual(name.signatureName, "insurer-a-00000007-20261122-DELTA.xml.sig")
        XCTAssertEqual(DeliveryFileName(parsing: name.xmlName), name)
        let full = DeliveryFileName(subscriberID: "kommun-12-x", sequence: 123_456_789, businessDate: date, kind: .full)
        XCTAssertEqual(full.xmlName, "kommun-12-x-123456789-20261122-FULL.xml")
        XCTAssertEqual(DeliveryFileName(parsing: full.xmlName), full)
        XCTAssertEqual(DeliveryFileName(parsing: "a-00000001-20240229-FULL.xml")?.sequence, 1)
        for bad in [
            "insurer-a-00000007-20261122-DELTA.xml.sig", "insurer-a-00000007-20261122-DELTA.tmp",
            "insurer-a-0000007-20261122-DELTA.xml", "insurer-a-000000007-20261122-DELTA.xml",
            "insurer-a-00000000-20261122-DELTA.xml", "insurer-a-00000007-20261131-DELTA.xml",
            "insurer-a-00000007-20261122-delta.xml", "Insurer-00000007-20261122-DELTA.xml",
            "-00000007-20261122-DELTA.xml", "00000007-20261122-DELTA.xml", "receipt.xml",
            "insurer-a-0000000x-20261122-DELTA.xml", ""
        ] {
            XCTAssertNil(DeliveryFileName(parsing: bad), bad)
        }
    }

    func testSchemasAreBundled() throws {
        for version in FormatVersion.allCases {
            let xsd = try XCTUnwrap(DeliverySchema.xsdPath(formatVersion: version))
            XCTAssertTrue(xsd.hasSuffix("delivery-v\(version).xsd"))
            XCTAssertTrue(try text(xsd).contains("targetNamespace=\"\(version.namespace)\""))
        }
    }

    // MARK: - Signing a delivery

    func testSignedDeliveryVerifiesWithOpenSSL() throws {
        let keys = path("keys")
        let generated = try KeyPairGenerator.generate(into: keys)
        let mode = try FileManager.default.attributesOfItem(atPath: keys)[.posixPermissions] as? NSNumber
        XCTAssertEqual(mode?.intValue, 0o750)
        let signer = try DeliverySigner(keyPath: generated.privateKeyPath)
        XCTAssertEqual(signer.keyID, generated.keyID)
        var h = header()
        h.keyID = signer.keyID
        let date = try XCTUnwrap(CalendarDate(year: 2026, month: 11, day: 22))
        let name = DeliveryFileName(subscriberID: h.subscriberID, sequence: h.sequence, businessDate: date, kind: .delta)
        let file = path(name.xmlName)
        let writer = try DeliveryWriter(path: file, header: h)
        _ = try writer.finish()
        let signature = try signer.signFile(file)
        XCTAssertTrue(FileManager.default.createFile(atPath: path(name.signatureName), contents: Data(signature)))
        let outcome = try ProcessRunner.openssl(
            "pkeyutl", "-verify", "-pubin", "-inkey", generated.publicKeyPath,
            "-rawin", "-in", file, "-sigfile", path(name.signatureName))
        XCTAssertEqual(outcome.status, 0, outcome.output + outcome.errorOutput)
        XCTAssertTrue(try signer.verifyFile(file, signature: signature))

        XCTAssertThrowsError(try KeyPairGenerator.generate(into: keys)) {
            XCTAssertEqual(($0 as? PrenumFailure)?.exitCode, .cannotCreate)
        }
    }

    func testKeyProblemsAreConfigurationErrorsNamingTheFile() throws {
        let generated = try KeyPairGenerator.generate(into: path("keys"))
        XCTAssertEqual(chmod(generated.privateKeyPath, 0o644), 0)
        let problems = [generated.privateKeyPath, path("absent.pem"), generated.publicKeyPath]
        for keyPath in problems {
            XCTAssertThrowsError(try DeliverySigner(keyPath: keyPath)) { error in
                XCTAssertEqual((error as? PrenumFailure)?.exitCode, .configuration)
                XCTAssertTrue(String(describing: error).contains(keyPath), "\(error)")
            }
        }
    }

    // MARK: - Helpers

    private struct Element {
        let name: String
        let namespace: String?
        let attributes: [String: String]
    }

    private final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            elements.append(Element(name: elementName, namespace: namespaceURI, attributes: attributes))
        }
    }

    private func parse(_ file: String) throws -> [Element] {
        let parser = try XCTUnwrap(XMLParser(contentsOf: URL(fileURLWithPath: file)))
        parser.shouldProcessNamespaces = true
        let collector = Collector()
        parser.delegate = collector
        XCTAssertTrue(parser.parse(), String(describing: parser.parserError))
        return collector.elements
    }
}
