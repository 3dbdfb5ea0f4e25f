import Foundation
import PrenumSQLite

/// `prenum explain`: for each of a person's records in the register, whether a subscriber may
/// see it on a business date and the first rule that decided, what its recipient holds, and
/// which files carried it — the support desk's answer to "why did we not get payment 4711?".
///
/// The rules are `Visibility.decidingRule`, the same code the delta runs, so the answer and
/// the files cannot disagree. The personnummer is the operator's query: it appears in this
/// report, never in a log line.
public struct Explanation: Codable, Sendable {
    /// A file of the subscriber that carried the record.
    public struct CarryingFile: Codable, Sendable, Equatable {
        public let sequence: Int64
        public let businessDate: String
        public let change: String
        public let file: String
    }

    /// What the subscriber's recipient holds for the record now.
    public struct Holding: Codable, Sendable, Equatable {
        /// `yes`, `no`, or `unknown` (with `note` saying why).
        public let holds: String
        /// The record is held under another person than the one asked about (upstream moved it).
        let underAnotherPerson: Bool?
        public let note: String?
    }

    public struct Record: Codable, Sendable {
        public let kind: String
        public let id: Int64
        public let benefit: String?
        public let visible: Bool
        /// The deciding `VisibilityRule`, `not-the-persons-record` when the register holds the
        /// record under another person or not at all, nil when visible.
        public let rule: String?
        public let reason: String
        public let holding: Holding
        public let files: [CarryingFile]
    }

    public let subscriber: String
    public let pnr: String
    public let businessDate: String
    /// `member`, `not-in-population` or `without-required-consent`, with the from-date if any.
    public let population: String
    public let fromDate: String?
    public let active: Bool
    public let records: [Record]

    /// Which record to explain: `payment:ID` or `case:ID`; nil for an unparsable text.
    public static func recordKey(_ text: String) -> RecordKey? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let id = Int64(parts[1]), id >= 0 else { return nil }
        guard let kind = RecordKind(elementName: String(parts[0])) else { return nil }
        return RecordKey(kind, id)
    }

    /// The business date explained when none is given: the last completed run's.
    static func defaultDate(state: StateDatabase) throws -> CalendarDate {
        guard let run = try RunLedger(database: state.database).lastCompletedRun() else {
            throw OperationFailure(.noInput, "no run has completed yet, so there is no default business date; give --date")
        }
        return run.businessDate
    }

    public static func gather(
        configuration: Configuration, subscriber id: String, pnr: Personnummer, record: RecordKey? = nil,
        date: CalendarDate? = nil
    ) throws -> Explanation {
        guard let subscriber = configuration.subscriber(id) else {
            throw OperationFailure(.usage, "no subscriber '\(id)' in \(configuration.configPath)")
        }
        let state = try StateDatabase(path: configuration.stateDatabase)
        let register = try RegisterReader(path: configuration.register)
        return try gather(
            configuration: configuration, subscriber: subscriber, pnr: pnr.digits, record: record,
            date: date ?? defaultDate(state: state), state: state.database, register: register)
    }

    static func gather(
        configuration: Configuration, subscriber: Subscriber, pnr: String, record wanted: RecordKey?,
        date: CalendarDate, state: Database, register: RegisterReader
    ) throws -> Explanation {
        let standing = try Self.standing(state: state, subscriber: subscriber, pnr: pnr)
        var versions = try Self.registerRecords(register, pnr: pnr)
        if let wanted { versions = versions.filter { $0.key == wanted } }
        let visibility = Visibility.of(subscriber, in: configuration, on: date)
        let holdings = try Holdings(database: state, subscriber: subscriber.id)

        var keys = versions.map(\.key)
        if let wanted, keys.isEmpty { keys = [wanted] }
        var heldUnder: [RecordKey: String] = [:]
        var holding: [RecordKey: Holding] = [:]
        for key in keys {
            if let held = try holdings.held(key) {
                if let version = held.version, version.pnr != pnr { heldUnder[key] = version.pnr }
                holding[key] = Holding(
                    holds: held.holds ? "yes" : "no", underAnotherPerson: held.holds ? heldUnder[key] != nil : nil, note: nil)
            } else {
                holding[key] = Holding(holds: "unknown", underAnotherPerson: nil, note: holdings.unknownBecause)
            }
        }
        let carried = try carryingFiles(
            configuration: configuration, state: state, subscriber: subscriber.id,
            persons: [pnr] + Set(heldUnder.values).sorted(), keys: Set(keys))

        // Versions the snapshot held back (a value no format can carry): the last rule, since
        // the recipient would see the record but for that value.
        let quarantined = Dictionary(
            try QuarantineLedger(database: state).records(ofPerson: pnr).map { ("\($0.entity) \($0.id)", $0) },
            uniquingKeysWith: { first, _ in first })
        var records: [Record] = []
        for version in versions {
            var rule = visibility.decidingRule(version, standing: standing)
            let heldBack = quarantined["\(version.key.entity.journalName) \(version.id)"]
            if rule == nil, heldBack != nil { rule = .unrepresentable }
            let reason = heldBack.map { "\(VisibilityRule.unrepresentable.explanation) (\($0.field) \($0.reason), since \($0.since))" }
            records.append(
                Record(
                    kind: version.key.entity.journalName, id: version.id, benefit: version.benefit, visible: rule == nil,
                    rule: rule?.rawValue,
                    reason: rule == .unrepresentable ? reason ?? "" : rule?.explanation ?? "visible to the subscriber",
                    holding: holding[version.key] ?? Holding(holds: "unknown", underAnotherPerson: nil, note: nil),
                    files: carried[version.key] ?? []))
        }
        if let wanted, versions.isEmpty {
            records.append(
                Record(
                    kind: wanted.entity.journalName, id: wanted.id, benefit: nil, visible: false,
                    rule: "not-the-persons-record",
                    reason: "the register holds no \(wanted.entity.journalName) \(wanted.id) of this person",
                    holding: holding[wanted] ?? Holding(holds: "unknown", underAnotherPerson: nil, note: nil),
                    files: carried[wanted] ?? []))
        }
        let population: String
        var fromDate: String?
        switch standing {
        case .absent: population = "not-in-population"
        case .withoutRequiredConsent: population = "without-required-consent"
        case .member(let terms):
            population = "member"
            fromDate = terms.fromDate
        }
        return Explanation(
            subscriber: subscriber.id, pnr: pnr, businessDate: date.description, population: population,
            fromDate: fromDate, active: subscriber.isActive(on: date), records: records)
    }

    /// The person's standing in the population as imported.
    static func standing(state: Database, subscriber: Subscriber, pnr: String) throws -> PopulationStanding {
        guard let terms = try SubscriptionStore(database: state).importedTerms(subscriber: subscriber.id, pnr: pnr) else {
            return .absent
        }
        return .of(
            present: terms.present, consent: terms.consent, fromDate: terms.fromDate, requiresConsent: subscriber.purpose.requiresConsent)
    }

    /// The person's records in the register now, cases first, each by id, read in one read
    /// transaction of the read-only register.
    static func registerRecords(_ register: RegisterReader, pnr: String) throws -> [RecordVersion] {
        let database = register.database
        do {
            return try database.readTransaction {
                var versions: [RecordVersion] = []
                try database.prepare(
                    "SELECT c.id, c.benefit, \(RegisterColumns.caseFields("c")) AS fields FROM benefit_case c WHERE c.pnr = ? ORDER BY c.id"
                )
                .forEachRow([pnr]) { row in
                    try versions.append(decode(.benefitCase, row, pnr: pnr))
                }
                try database.prepare(
                    """
                    SELECT p.id, p.benefit, \(RegisterColumns.paymentFields("p", schema: "main")) AS fields FROM payment p WHERE p.pnr = ? ORDER BY p.id
                    """
                ).forEachRow([pnr]) { row in
                    try versions.append(decode(.payment, row, pnr: pnr))
                }
                return versions
            }
        } catch let error as SQLiteError {
            throw RegisterReader.failure(error, path: register.path)
        }
    }

    private static func decode(_ entity: RecordKind, _ row: Statement, pnr: String) throws -> RecordVersion {
        let id = try row.int64("id")
        guard
            let version = RecordVersion(
                entity: entity, id: id, pnr: pnr, benefit: try row.text("benefit"), encodedFields: try row.text("fields"))
        else {
            throw OperationFailure(.dataError, "register holds a \(entity.journalName) \(id) with a value Prenum cannot read")
        }
        return version
    }

    /// The subscriber's files that carried each of `keys`, from the disclosure index and the
    /// archived files it names for `persons`.
    static func carryingFiles(
        configuration: Configuration, state: Database, subscriber: String, persons: [String],
        keys: Set<RecordKey>
    ) throws -> [RecordKey: [CarryingFile]] {
        var carried: [RecordKey: [CarryingFile]] = [:]
        let index = DisclosureIndex(database: state)
        for person in persons {
            for file in try index.files(naming: person) where file.subscriber == subscriber {
                let path = ArchivedDelivery.path(archiveRoot: configuration.archive, subscriber: subscriber, fileName: file.fileName)
                for record in try ArchivedDelivery.extract(path: path, pnr: person, offset: file.offset).records {
                    let key = RecordKey(record.entity == .payment ? .payment : .benefitCase, record.id)
                    guard keys.contains(key) else { continue }
                    carried[key, default: []].append(
                        CarryingFile(
                            sequence: file.sequence, businessDate: file.businessDate,
                            change: record.change.rawValue, file: file.fileName))
                }
            }
        }
        return carried.mapValues { $0.sorted { $0.sequence < $1.sequence } }
    }

    // MARK: Output

    public var text: String {
        var lines = [
            "subscriber \(subscriber), person \(pnr), business date \(businessDate)\(active ? "" : " (subscriber terminated: nothing is delivered)")"
        ]
        switch population {
        case "member": lines.append("population: member" + (fromDate.map { ", records wanted from \($0)" } ?? ""))
        case "without-required-consent": lines.append("population: member without the consent the subscriber's purpose needs")
        default: lines.append("population: not a member")
        }
        if records.isEmpty { lines.append("the register holds no records of this person") }
        for record in records {
            let benefit = record.benefit.map { " \($0)" } ?? ""
            let verdict = record.visible ? "visible" : "not visible — \(record.rule ?? ""): \(record.reason)"
            lines.append("\(record.kind) \(record.id)\(benefit): \(verdict)")
            var held = "  recipient holds it: \(record.holding.holds)"
            if record.holding.underAnotherPerson == true { held += " (under another person)" }
            if let note = record.holding.note { held += " (\(note))" }
            lines.append(held)
            if record.files.isEmpty {
                lines.append("  carried by no file")
            } else {
                for file in record.files {
                    lines.append("  file \(file.sequence) of \(file.businessDate): \(file.change) (\(file.file))")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One object per record (SPEC section 5: `kind`, `id`, `visible`, `rule`, `files`, ...).
    public func json() throws -> String {
        try JSONOutput.text(records.map(JSONRecord.init), escapingSlashes: false)
    }

    /// A record with `rule` always present (null when visible), as the SPEC's field list reads.
    private struct JSONRecord: Encodable {
        let record: Record
        enum Keys: String, CodingKey { case kind, id, benefit, visible, rule, reason, holds, heldUnderAnotherPerson, holdsNote, files }
        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(record.kind, forKey: .kind)
            try container.encode(record.id, forKey: .id)
            try container.encodeIfPresent(record.benefit, forKey: .benefit)
            try container.encode(record.visible, forKey: .visible)
            try container.encode(record.rule, forKey: .rule)
            try container.encode(record.reason, forKey: .reason)
            try container.encode(record.holding.holds, forKey: .holds)
            try container.encodeIfPresent(record.holding.underAnotherPerson, forKey: .heldUnderAnotherPerson)
            try container.encodeIfPresent(record.holding.note, forKey: .holdsNote)
            try container.encode(record.files, forKey: .files)
        }
    }
}
