/// A record version the writer refuses because a value lies outside what the delivery format can
/// carry: the last line of defence behind the snapshot's quarantine (`RegisterValueDomain`), so
/// that no file that fails its XSD is ever signed. It names the record and the field, never the
/// value.
struct UndeliverableValue: PrenumFailure, Equatable {
    let key: RecordKey
    /// The register column, as the quarantine names it (`payment_date`, `payment_deduction.kind`).
    let field: String
    let reason: String

    var exitCode: ExitCode { .dataError }

    var description: String {
        "\(key.entity.journalName) \(key.id): \(field) \(reason); the delivery file was not written (the snapshot should have quarantined this version)"
    }
}

extension RecordVersion {
    /// Nil when every field can go into a delivery file; else the first field that cannot, by
    /// the same rules as the snapshot's SQL (`RegisterValueDomain`). The benefit catalogue is
    /// the snapshot's to check; this sees only the version.
    var undeliverableValue: UndeliverableValue? {
        typealias Domain = RegisterValueDomain
        func problem(_ field: String, _ reason: String) -> UndeliverableValue {
            UndeliverableValue(key: key, field: field, reason: reason)
        }
        if !(pnr.utf8.count == 12 && pnr.utf8.allSatisfy(DeliveryHeader.isDigit)) { return problem("pnr", Domain.notPersonnummer) }
        if let reason = Self.freeTextProblem(benefit, maxLength: Domain.benefitMaxLength) { return problem("benefit", reason) }
        switch body {
        case .payment(let p):
            if !Domain.companies.contains(p.company) { return problem("company", Domain.unknownValue(Domain.companies)) }
            if !Domain.statuses.contains(p.status) { return problem("status", Domain.unknownValue(Domain.statuses)) }
            for (field, value) in [("period_from", p.periodFrom), ("period_to", p.periodTo), ("payment_date", p.paymentDate)] {
                if let value, !Self.isRealDate(value) { return problem(field, Domain.notDate) }
            }
            if let registeredAt = p.registeredAt, !Self.isTimestamp(registeredAt) {
                return problem("registered_at", Domain.notTimestamp)
            }
            for deduction in p.deductions {
                if let reason = Self.freeTextProblem(deduction.kind, maxLength: Domain.deductionKindMaxLength) {
                    return problem("payment_deduction.kind", reason)
                }
            }
        case .benefitCase(let c):
            if !Domain.decisions.contains(c.decision) { return problem("decision", Domain.unknownValue(Domain.decisions)) }
            for (field, value) in [("opened_on", c.openedOn), ("closed_on", c.closedOn)] {
                if let value, !Self.isRealDate(value) { return problem(field, Domain.notDate) }
            }
            if let extent = c.extentPct, !Domain.extents.contains(extent) {
                return problem("extent_pct", Domain.unknownValue(Domain.extents.map(String.init)))
            }
        }
        return nil
    }

    /// `YYYY-MM-DD` naming a real day; reads the bytes in place (the writer checks every date
    /// of every record).
    private static func isRealDate(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
            func number(_ range: Range<Int>) -> Int? {
                var value = 0
                for index in range {
                    guard DeliveryHeader.isDigit(bytes[index]) else { return nil }
                    value = value * 10 + Int(bytes[index] - 0x30)
                }
                return value
            }
            guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return false }
            return CalendarDate(year: year, month: month, day: day) != nil
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` naming a real day and time of day (format 3's `registeredAt`).
    private static func isTimestamp(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z"),
            isRealDate(String(decoding: bytes[0..<10], as: UTF8.self))
        else { return false }
        func number(_ range: Range<Int>) -> Int? {
            range.allSatisfy { DeliveryHeader.isDigit(bytes[$0]) } ? range.reduce(0) { $0 * 10 + Int(bytes[$1] - 0x30) } : nil
        }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) else { return false }
        return hour < 24 && minute < 60 && second < 60
    }

    /// U+FFFD stands in for bytes that were not UTF-8 when the text was read.
    private static func freeTextProblem(_ text: String, maxLength: Int) -> String? {
        let scalars = text.unicodeScalars
        if scalars.contains("\u{FFFD}") { return RegisterValueDomain.notUTF8 }
        if scalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || $0.value == 0xFFFE || $0.value == 0xFFFF }) {
            return RegisterValueDomain.controlCharacter
        }
        if scalars.isEmpty || scalars.count > maxLength { return RegisterValueDomain.badLength(maxLength) }
        return nil
    }
}
