import Foundation
import PrenumSQLite

/// `prenum disclosures`: every subscriber that received records about one person, on what
/// ground, while the person was in its population, and exactly what each file said — what the
/// agency answers a data-subject access request (GDPR article 15) or an auditor with.
///
/// Read from the disclosure index (one range read by person), the population history, and only
/// the archived files the index names: of each, the person's element alone.
public struct DisclosureReport: Codable, Sendable {
    public struct Record: Codable, Sendable, Hashable {
        public let kind: String
        public let id: Int64
        public let change: String
    }

    public struct File: Codable, Sendable, Equatable {
        public let name: String
        public let sequence: Int64
        public let businessDate: String
        /// The subscriber's purpose, legal basis, format and benefits when the file was made.
        public let purpose: String
        public let legalBasis: String
        public let formatVersion: Int
        public let benefits: [String]
        public let records: [Record]
        /// The file told the recipient the person left the population.
        public let unsubscribed: Bool
    }

    /// A stretch of time the person was in the subscriber's population: from the import of the
    /// population file that added them to the import of the one that removed them (nil: still in).
    public struct Period: Codable, Sendable, Equatable {
        public let from: String
        public let to: String?
    }

    public struct Recipient: Codable, Sendable {
        public let subscriber: String
        /// As at the latest file in the report.
        public let orgNumber: String
        public let name: String
        public let purpose: String
        public let legalBasis: String
        public let periods: [Period]
        public let files: [File]
    }

    public let pnr: String
    public let from: String?
    public let to: String?
    public let recipients: [Recipient]

    public static func gather(configuration: Configuration, pnr: Personnummer, from: CalendarDate?, to: CalendarDate?) throws
        -> DisclosureReport
    {
        let state = try StateDatabase(path: configuration.stateDatabase)
        return try gather(state: state.database, archiveRoot: configuration.archive, pnr: pnr.digits, from: from, to: to)
    }

    static func gather(state: Database, archiveRoot: String, pnr: String, from: CalendarDate?, to: CalendarDate?) throws -> DisclosureReport
    {
        let first = from?.description ?? ""
        let last = to?.description ?? "9999-12-31"
        let files = try DisclosureIndex(database: state).files(naming: pnr)
            .filter { $0.businessDate >= first && $0.businessDate <= last }
        var recipients: [Recipient] = []
        for subscriber in Array(Set(files.map(\.subscriber))).sorted() {
            let own = files.filter { $0.subscriber == subscriber }
            var reported: [File] = []
            for file in own {
                let extract = try ArchivedDelivery.extract(
                    path: ArchivedDelivery.path(archiveRoot: archiveRoot, subscriber: subscriber, fileName: file.fileName), pnr: pnr,
                    offset: file.offset)
                let records = extract.records.map { Record(kind: $0.entity.elementName, id: $0.id, change: $0.change.rawValue) }
                reported.append(
                    File(
                        name: file.fileName, sequence: file.sequence, businessDate: file.businessDate,
                        purpose: file.profile.purpose, legalBasis: file.profile.legalBasis,
                        formatVersion: file.profile.formatVersion, benefits: file.profile.benefits,
                        records: records, unsubscribed: extract.unsubscribed))
            }
            guard let latest = own.last?.profile else { continue }
            let periods = try Self.periods(state: state, subscriber: subscriber, pnr: pnr)
                .filter { ($0.to.map { $0.prefix(10) >= first } ?? true) && $0.from.prefix(10) <= last }
            recipients.append(
                Recipient(
                    subscriber: subscriber, orgNumber: latest.orgNumber, name: latest.name,
                    purpose: latest.purpose, legalBasis: latest.legalBasis, periods: periods, files: reported))
        }
        return DisclosureReport(pnr: pnr, from: from?.description, to: to?.description, recipients: recipients)
    }

    /// The person's stretches in the subscriber's population, from its population history.
    static func periods(state: Database, subscriber: String, pnr: String) throws -> [Period] {
        var periods: [Period] = []
        var open: String?
        try state.prepare(
            """
            SELECT e.event, f.received_at FROM population_event e JOIN population_file f ON f.id = e.file_id
            WHERE e.subscriber = ? AND e.pnr = ? ORDER BY e.id
            """
        ).forEachRow([subscriber, pnr]) { row in
            switch try row.text("event") {
            case "added" where open == nil: open = try row.text("received_at")
            case "removed":
                if let start = open { periods.append(Period(from: start, to: try row.text("received_at"))) }
                open = nil
            default: break
            }
        }
        if let open { periods.append(Period(from: open, to: nil)) }
        return periods
    }

    // MARK: Output

    public var text: String {
        var window = ""
        if from != nil || to != nil { window = ", files of \(from ?? "the first run") to \(to ?? "the last run")" }
        var lines = ["disclosures about person \(pnr)\(window)"]
        if recipients.isEmpty { lines.append("no subscriber received anything about this person") }
        for recipient in recipients {
            lines.append("")
            lines.append("\(recipient.subscriber): \(recipient.name), org. no. \(recipient.orgNumber)")
            lines.append("  purpose \(recipient.purpose), legal basis \(recipient.legalBasis)")
            let periods = recipient.periods.map { "\($0.from) to \($0.to ?? "now")" }
            lines.append("  in its population: " + (periods.isEmpty ? "no period recorded" : periods.joined(separator: "; ")))
            for file in recipient.files {
                var line = "  \(file.name) (sequence \(file.sequence), \(file.businessDate))"
                if file.purpose != recipient.purpose || file.legalBasis != recipient.legalBasis {
                    line += " purpose \(file.purpose), legal basis \(file.legalBasis)"
                }
                lines.append(line + ":")
                for record in file.records { lines.append("    \(record.kind) \(record.id) \(record.change)") }
                if file.unsubscribed { lines.append("    unsubscribed") }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    public func json() throws -> String {
        try JSONOutput.text(self, escapingSlashes: false)
    }
}
