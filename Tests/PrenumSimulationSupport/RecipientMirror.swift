import Foundation
import XCTest

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A record as a recipient holds it: its person and its attributes exactly as delivered.
struct MirrorRecord: Equatable, CustomStringConvertible {
    let entity: String
    let id: Int64
    var pnr: String
    var attributes: [String: String]
    var deductions: [String]

    var key: String { "\(entity):\(id)" }
    var description: String { "\(entity) \(id) attrs=\(attributes.sorted { $0.key < $1.key }) deductions=\(deductions)" }
}

/// One parsed delivery file.
struct ParsedDelivery {
    var header: [String: String] = [:]
    var persons: [(pnr: String, records: [(change: String, record: MirrorRecord)])] = []
    var unsubscribed: [String] = []
    var trailer: [String: String] = [:]
}

/// Parses a delivery file with Foundation's XMLParser, independently of Prenum's writer.
final class DeliveryFileParser: NSObject, XMLParserDelegate {
    private var parsed = ParsedDelivery()
    private var currentRecord: (change: String, record: MirrorRecord)?
    private var failure: String?

    static func parse(_ url: URL) throws -> ParsedDelivery {
        let data = try Data(contentsOf: url)
        let parser = XMLParser(data: data)
        let delegate = DeliveryFileParser()
        parser.delegate = delegate
        guard parser.parse(), delegate.failure == nil else {
            throw NSError(
                domain: "DeliveryFileParser", code: 1,
                userInfo: [
                    NSLocalizedDescriptionKey:
                        "\(url.lastPathComponent): \(delegate.failure ?? parser.parserError.map { "\($0)" } ?? "parse error")"
                ])
        }
        return delegate.parsed
    }

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        switch name {
        case "delivery": parsed.header = attributes
        case "person": parsed.persons.append((attributes["pnr"] ?? "", []))
        case "case", "payment":
            guard let pnr = parsed.persons.last?.pnr, let idText = attributes["id"], let id = Int64(idText),
                let change = attributes["change"]
            else {
                failure = "record without person, id or change"
                return
            }
            var attrs = attributes
            attrs["id"] = nil
            attrs["change"] = nil
            currentRecord = (change, MirrorRecord(entity: name, id: id, pnr: pnr, attributes: attrs, deductions: []))
        case "deduction":
            currentRecord?.record.deductions.append("\(attributes["kind"] ?? "?")=\(attributes["amount"] ?? "?")")
        case "unsubscribed": parsed.unsubscribed.append(attributes["pnr"] ?? "")
        case "trailer": parsed.trailer = attributes
        default: failure = "unexpected element \(name)"
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "case" || name == "payment", let record = currentRecord {
            let index = parsed.persons.count - 1
            parsed.persons[index].records.append(record)
            currentRecord = nil
        }
    }
}

/// The recipient's side of the mirror invariant: applies files in sequence order exactly as
/// SPEC section 4 and docs/DELIVERY-FORMAT.md tell a recipient to, and checks each change is
/// meaningful for what it already holds.
struct RecipientMirror {
    private(set) var records: [String: MirrorRecord] = [:]
    private(set) var lastSequence = 0

    mutating func apply(_ file: ParsedDelivery, name: String, file line: StaticString = #filePath, line number: UInt = #line) {
        let kind = file.header["kind"]
        if kind == "FULL" { records.removeAll() }
        // The window first (docs/DELIVERY-FORMAT.md): what it drops is no longer held, and may
        // come again as NEW in this file.
        if let windowFrom = file.header["windowFrom"] {
            records = records.filter { _, record in
                if record.entity == "payment" { return (record.attributes["paymentDate"] ?? "") >= windowFrom }
                guard let closed = record.attributes["closedOn"] else { return true }
                return closed >= windowFrom
            }
        }
        var recordCount = 0
        for person in file.persons {
            for (change, record) in person.records {
                recordCount += 1
                let existing = records[record.key]
                switch change {
                case "NEW":
                    XCTAssertTrue(
                        kind == "FULL" || existing == nil, "\(name): NEW for \(record.key) already held", file: line, line: number)
                    records[record.key] = record
                case "CHANGED":
                    XCTAssertNotNil(existing, "\(name): CHANGED for \(record.key) not held", file: line, line: number)
                    XCTAssertNotEqual(existing, record, "\(name): CHANGED for \(record.key) changes nothing", file: line, line: number)
                    records[record.key] = record
                case "REMOVED":
                    XCTAssertNotNil(existing, "\(name): REMOVED for \(record.key) not held", file: line, line: number)
                    XCTAssertEqual(existing?.pnr, person.pnr, "\(name): REMOVED under another person", file: line, line: number)
                    XCTAssertTrue(
                        record.attributes.isEmpty && record.deductions.isEmpty, "\(name): REMOVED carries fields", file: line, line: number)
                    records[record.key] = nil
                default:
                    XCTFail("\(name): unknown change \(change)", file: line, line: number)
                }
            }
        }
        for pnr in file.unsubscribed {
            records = records.filter { $0.value.pnr != pnr }
        }
        XCTAssertEqual(file.trailer["persons"], String(file.persons.count), "\(name): trailer persons", file: line, line: number)
        XCTAssertEqual(file.trailer["records"], String(recordCount), "\(name): trailer records", file: line, line: number)
        XCTAssertEqual(
            file.trailer["unsubscribed"], String(file.unsubscribed.count), "\(name): trailer unsubscribed", file: line, line: number)
        lastSequence = Int(file.header["sequence"] ?? "") ?? -1
    }
}
