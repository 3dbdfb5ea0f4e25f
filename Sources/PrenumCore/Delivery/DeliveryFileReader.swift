import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads one delivery file as a stream with `XMLParser`, checks the rules the XSD cannot state
/// (docs/DELIVERY-FORMAT.md, "Checking a file against the schema"), and hands every record and
/// `unsubscribed` person to the caller in file order.
///
/// Memory stays bounded by one element, whatever the file's size: `apply` of a gigabyte FULL
/// file must not hold it.
public final class DeliveryFileReader: NSObject, XMLParserDelegate {
    /// Receives what the file says, in order. A thrown error stops the reading.
    public struct Handler {
        public var header: ([String: String]) throws -> Void = { _ in }
        public var record: (DeliveredRecord) throws -> Void = { _ in }
        public var unsubscribed: (String) throws -> Void = { _ in }
        public init() {}
    }

    /// Problems are capped so that a damaged huge file cannot fill memory with messages.
    static let problemLimit = 20

    private let handler: Handler
    private var content = DeliveryFileContent()
    private var parser: XMLParser?
    private var handlerError: Error?
    private var depth = 0
    private var kind: String?
    private var formatVersion: FormatVersion?
    private var currentPerson: (pnr: String, records: Int)?
    private var lastPnr: String?
    private var lastRecord: (entity: RecordKind, id: Int64)?
    private var pending: DeliveredRecord?
    private var pendingIsRemoved = false
    private var lastUnsubscribed: String?
    private var sawTrailer = false
    private var suppressed = 0

    private init(handler: Handler) {
        self.handler = handler
    }

    /// Reads the file at `path`. Throws only what `handler` threw or when the file cannot be
    /// opened; a damaged file is reported in `problems`.
    public static func read(path: String, handler: Handler = Handler()) throws -> DeliveryFileContent {
        guard let stream = InputStream(fileAtPath: path) else {
            throw OperationFailure(.noInput, "cannot open \(path)")
        }
        return try read(stream: stream, handler: handler)
    }

    /// Reads a file's bytes already in memory (a part of a file cut out around one element).
    static func read(data: Data, handler: Handler = Handler()) throws -> DeliveryFileContent {
        try read(stream: InputStream(data: data), handler: handler)
    }

    private static func read(stream: InputStream, handler: Handler) throws -> DeliveryFileContent {
        let reader = DeliveryFileReader(handler: handler)
        let parser = XMLParser(stream: stream)
        parser.shouldProcessNamespaces = true
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        reader.parser = parser
        let parsed = parser.parse()
        reader.parser = nil
        if let error = reader.handlerError { throw error }
        if !parsed {
            let line = parser.lineNumber
            let detail = parser.parserError.map { ($0 as NSError).localizedDescription } ?? "parse error"
            reader.problem("not well-formed XML near line \(line) (\(PersonnummerRedaction.redact(detail))); truncated or damaged file?")
        } else if reader.depth != 0 {
            // XMLParser over a stream may not call an unfinished document an error.
            reader.problem("the file ends inside an element: truncated file?")
        } else if !reader.sawTrailer && reader.content.header.isEmpty == false {
            reader.problem("no trailer element: truncated file?")
        }
        if reader.content.header.isEmpty { reader.problem("no delivery element") }
        if reader.suppressed > 0 { reader.content.problems.append("… and \(reader.suppressed) more problem(s)") }
        return reader.content
    }

    private func problem(_ text: String) {
        guard content.problems.count < Self.problemLimit else {
            suppressed += 1
            return
        }
        content.problems.append(text)
    }

    private var line: Int { parser?.lineNumber ?? 0 }

    private func call(_ body: () throws -> Void) {
        guard handlerError == nil else { return }
        do { try body() } catch {
            handlerError = error
            parser?.abortParsing()
        }
    }

    public func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        depth += 1
        switch (name, depth) {
        case ("delivery", 1):
            content.header = attributes.filter { !$0.key.hasPrefix("xmlns") }
            kind = attributes["kind"]
            formatVersion = attributes["formatVersion"].flatMap(Int.init).flatMap(FormatVersion.init(number:))
            if let version = formatVersion {
                if namespaceURI != version.namespace {
                    problem("namespace \(namespaceURI ?? "none") does not match formatVersion \(version)")
                }
                let stamps = ["purpose", "legalBasis"]
                if version.carriesMirrorFingerprint {
                    let missing = stamps.filter { attributes[$0] == nil }
                    if !missing.isEmpty { problem("delivery lacks \(missing.joined(separator: ", ")), which format \(version) carries") }
                } else if stamps.contains(where: { attributes[$0] != nil }) {
                    problem("delivery carries purpose or legalBasis in a format version \(version) file")
                }
            } else {
                problem("formatVersion \(attributes["formatVersion"] ?? "none") is not a known format version")
            }
            call { try handler.header(content.header) }
        case ("person", 2):
            endPerson()
            let pnr = attributes["pnr"] ?? ""
            content.persons += 1
            if content.unsubscribed > 0 { problem("line \(line): person after unsubscribed elements") }
            if let last = lastPnr, pnr <= last {
                problem("line \(line): persons not in strictly ascending pnr order (person #\(content.persons))")
            }
            lastPnr = pnr
            currentPerson = (pnr, 0)
            lastRecord = nil
        case (_, 3) where RecordKind(elementName: name) != nil:
            if let entity = RecordKind(elementName: name) { startRecord(entity, attributes) }
        case ("deduction", 4):
            guard var record = pending, lastRecord?.entity == .payment else {
                problem("line \(line): deduction outside a payment")
                return
            }
            if pendingIsRemoved { problem("line \(line): REMOVED payment \(record.id) carries a deduction") }
            if formatVersion?.deliversPaymentDetails == false {
                problem("line \(line): deduction in a format version \(formatVersion?.description ?? "?") file")
            }
            record.deductions.append((attributes["kind"] ?? "", attributes["amount"] ?? ""))
            pending = record
        case ("unsubscribed", 2):
            endPerson()
            let pnr = attributes["pnr"] ?? ""
            content.unsubscribed += 1
            if kind == "FULL" { problem("line \(line): unsubscribed element in a FULL file") }
            if let last = lastUnsubscribed, pnr <= last { problem("line \(line): unsubscribed not in strictly ascending pnr order") }
            lastUnsubscribed = pnr
            call { try handler.unsubscribed(pnr) }
        case ("trailer", 2):
            endPerson()
            sawTrailer = true
            content.trailer = attributes
            if let version = formatVersion {
                let mirror = ["visible", "fingerprint"]
                if version.carriesMirrorFingerprint {
                    if attributes["visible"].flatMap(Int64.init) == nil
                        || attributes["fingerprint"].flatMap(Fingerprint256.init(hex:)) == nil
                    {
                        problem("line \(line): trailer lacks a valid visible count and fingerprint, which format \(version) carries")
                    }
                } else if mirror.contains(where: { attributes[$0] != nil }) {
                    problem("line \(line): trailer carries visible or fingerprint in a format version \(version) file")
                }
            }
        default:
            problem("line \(line): unexpected element \(name) at depth \(depth)")
        }
    }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if depth == 3, RecordKind(elementName: name) != nil, let record = pending {
            pending = nil
            call { try handler.record(record) }
        }
        depth -= 1
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) {
        if string.contains(where: { !$0.isWhitespace }) { problem("line \(line): unexpected text content") }
    }

    private func endPerson() {
        if let person = currentPerson, person.records == 0 { problem("person #\(content.persons) has no record") }
        currentPerson = nil
    }

    private func startRecord(_ entity: RecordKind, _ attributes: [String: String]) {
        guard var person = currentPerson else {
            problem("line \(line): \(entity.elementName) outside a person")
            return
        }
        content.records += 1
        person.records += 1
        currentPerson = person
        guard let id = attributes["id"].flatMap(Int64.init), let changeText = attributes["change"],
            let change = RecordChangeKind(rawValue: changeText)
        else {
            problem("line \(line): \(entity.elementName) without a valid id and change")
            return
        }
        if let last = lastRecord {
            if entity < last.entity {
                problem("line \(line): \(entity.elementName) \(id) after a \(last.entity.elementName) (cases come first)")
            } else if last.entity == entity && id <= last.id {
                problem("line \(line): \(entity.elementName) ids not ascending (\(id) after \(last.id))")
            }
        }
        lastRecord = (entity, id)
        var fields = attributes
        fields["id"] = nil
        fields["change"] = nil
        pendingIsRemoved = change == .removed
        switch change {
        case .removed:
            if kind == "FULL" { problem("line \(line): REMOVED \(entity.elementName) \(id) in a FULL file") }
            if !fields.isEmpty {
                problem(
                    "line \(line): REMOVED \(entity.elementName) \(id) carries more than id and change (\(fields.keys.sorted().joined(separator: ", ")))"
                )
            }
        case .new, .changed:
            if kind == "FULL" && change == .changed { problem("line \(line): CHANGED \(entity.elementName) \(id) in a FULL file") }
            guard let version = formatVersion else { break }
            let missing = version.requiredAttributes(entity).filter { fields[$0] == nil }
            if !missing.isEmpty {
                problem("line \(line): \(change.rawValue) \(entity.elementName) \(id) lacks \(missing.joined(separator: ", "))")
            }
            if !version.deliversPaymentDetails && entity == .payment && (fields["company"] != nil || fields["status"] != nil) {
                problem("line \(line): payment \(id) carries company or status in a format version \(version) file")
            }
            if !version.deliversRegisteredAt && fields["registeredAt"] != nil {
                problem("line \(line): payment \(id) carries registeredAt in a format version \(version) file")
            }
        }
        pending = DeliveredRecord(entity: entity, id: id, change: change, pnr: person.pnr, attributes: fields, deductions: [])
    }
}
