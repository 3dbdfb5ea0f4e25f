import Foundation

extension ConfigurationLoader {
    static let subscriberKeys = [
        "id", "orgNumber", "name", "category", "benefits", "purpose", "formatVersion",
        "legalBasis", "terminatedFrom", "outbox"
    ]

    /// Reads and checks every subscriber, then what must hold across them: unique ids and
    /// outbox folders that no two subscribers share.
    static func readSubscribers(
        _ items: [Any], categories: [String: [String]], folder: String, outboxRoot: String?,
        reader: JSONFieldReader
    ) -> [Subscriber] {
        var subscribers: [Subscriber] = []
        var firstIndexByID: [String: Int] = [:]
        var ownerByOutbox: [String: String] = [:]
        for (index, item) in items.enumerated() {
            let prefix = "subscribers[\(index)]"
            guard let object = item as? [String: Any], JSONFieldReader.kind(of: item) == .object else {
                reader.report(prefix, expected: "a subscriber object", value: item)
                continue
            }
            let idText = reader.string(object, "id", at: prefix, required: true)
            var isRepeated = false
            if let idText {
                if let first = firstIndexByID[idText] {
                    reader.report(
                        prefix + ".id", expected: "an id used once", found: "\"\(idText)\", already used by subscribers[\(first)]")
                    isRepeated = true
                } else if Subscriber.isValidID(idText) {
                    firstIndexByID[idText] = index
                }
            }
            // A repeated id is still checked field by field, but its outbox clash would only
            // repeat the same mistake.
            guard let subscriber = readSubscriber(object, id: idText, at: prefix, categories: categories, folder: folder, reader: reader),
                !isRepeated
            else {
                continue
            }
            if let outboxRoot {
                let outbox = subscriber.outboxOverride ?? outboxRoot + "/" + subscriber.id
                if let owner = ownerByOutbox[outbox] {
                    reader.report(
                        prefix + (subscriber.outboxOverride == nil ? ".id" : ".outbox"),
                        expected: "an outbox folder of its own", found: "\(outbox), also the outbox of \(owner)")
                } else {
                    ownerByOutbox[outbox] = "subscribers[\(index)]"
                }
            }
            subscribers.append(subscriber)
        }
        return subscribers
    }

    /// One subscriber; nil when any of its fields is wrong (each problem reported).
    private static func readSubscriber(
        _ object: [String: Any], id idText: String?, at prefix: String,
        categories: [String: [String]], folder: String, reader: JSONFieldReader
    ) -> Subscriber? {
        let before = reader.problems.count
        reader.rejectUnknownKeys(object, allowed: subscriberKeys, at: prefix)

        var id: String?
        if let idText {
            if Subscriber.isValidID(idText) {
                id = idText
            } else {
                reader.report(prefix + ".id", expected: "an id matching [a-z0-9][a-z0-9-]{0,63} (it becomes a folder name)", value: idText)
            }
        }
        var orgNumber: OrganisationNumber?
        if let text = reader.string(object, "orgNumber", at: prefix, required: true) {
            orgNumber = OrganisationNumber(text)
            if orgNumber == nil {
                reader.report(
                    prefix + ".orgNumber", expected: "an organisation number of 10 digits without hyphen, the last a Luhn check digit",
                    value: text)
            }
        }
        let name = reader.string(object, "name", at: prefix, required: true)
        if let name,
            name.trimmingCharacters(in: .whitespaces).isEmpty
                || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            reader.report(prefix + ".name", expected: "a non-empty display name without control characters", value: name)
        }
        let category = enumField(SubscriberCategory.self, object, "category", at: prefix, reader: reader)
        let purpose = enumField(Purpose.self, object, "purpose", at: prefix, reader: reader)
        let benefits = benefitsField(object, at: prefix, category: category, categories: categories, reader: reader)

        var formatVersion: FormatVersion?
        if let number = reader.integer(object, "formatVersion", at: prefix, required: true) {
            if let version = FormatVersion(number: number) {
                formatVersion = version
            } else {
                let known = FormatVersion.allCases.map(\.description).joined(separator: ", ")
                reader.report(prefix + ".formatVersion", expected: "a known format version (\(known))", found: "\(number)")
            }
        }
        let legalBasis = reader.string(object, "legalBasis", at: prefix, required: false)
        if let legalBasis,
            legalBasis.trimmingCharacters(in: .whitespaces).isEmpty || legalBasis.count > 200
                || legalBasis.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            reader.report(
                prefix + ".legalBasis",
                expected: "a non-empty provision of at most 200 characters without control characters, e.g. \"SFB 114:24\"",
                value: legalBasis)
        }
        var terminatedFrom: CalendarDate?
        if let text = reader.string(object, "terminatedFrom", at: prefix, required: false) {
            terminatedFrom = CalendarDate(text)
            if terminatedFrom == nil {
                reader.report(prefix + ".terminatedFrom", expected: "a date YYYY-MM-DD", value: text)
            }
        }
        var outboxOverride: String?
        if let text = reader.string(object, "outbox", at: prefix, required: false),
            let usable = usablePath(text, field: prefix + ".outbox", reader: reader)
        {
            outboxOverride = ConfigurationPath.resolve(usable, against: folder)
            checkUsable(outboxOverride, field: prefix + ".outbox", reader: reader, ConfigurationPath.folderProblem)
        }

        guard reader.problems.count == before, let id, let orgNumber, let name, let category, let purpose,
            let benefits, let formatVersion
        else { return nil }
        return Subscriber(
            id: id, orgNumber: orgNumber, name: name, category: category, benefits: benefits,
            purpose: purpose, formatVersion: formatVersion, terminatedFrom: terminatedFrom,
            outboxOverride: outboxOverride, legalBasis: legalBasis)
    }

    private static func enumField<Value: RawRepresentable & CaseIterable>(
        _ type: Value.Type, _ object: [String: Any], _ key: String,
        at prefix: String, reader: JSONFieldReader
    ) -> Value? where Value.RawValue == String {
        guard let text = reader.string(object, key, at: prefix, required: true) else { return nil }
        guard let value = Value(rawValue: text) else {
            reader.report(prefix + "." + key, expected: "one of " + Value.allCases.map(\.rawValue).joined(separator: ", "), value: text)
            return nil
        }
        return value
    }

    /// The ordered benefit codes, each permitted for the category by `categories.json`.
    private static func benefitsField(
        _ object: [String: Any], at prefix: String, category: SubscriberCategory?,
        categories: [String: [String]], reader: JSONFieldReader
    ) -> [String]? {
        guard let items = reader.array(object, "benefits", at: prefix, required: true, of: "benefit codes") else { return nil }
        if items.isEmpty {
            reader.report(prefix + ".benefits", expected: "at least one benefit code", found: "an empty array")
            return nil
        }
        let permitted = category.flatMap { categories[$0.rawValue] }
        var codes: [String] = []
        var valid = true
        for (index, item) in items.enumerated() {
            let field = "\(prefix).benefits[\(index)]"
            guard let code = item as? String, JSONFieldReader.kind(of: item) == .string, JSONFieldReader.isBenefitCode(code) else {
                reader.report(field, expected: "a benefit code of 1 to 8 capital letters A-Z", value: item)
                valid = false
                continue
            }
            if codes.contains(code) {
                reader.report(field, expected: "each benefit code once", found: "\"\(code)\" again")
                valid = false
            } else if let permitted, let category, !permitted.contains(code) {
                reader.report(
                    field, expected: "a benefit permitted for category \(category.rawValue) (\(permitted.joined(separator: " ")))",
                    found: "\"\(code)\"")
                valid = false
            }
            codes.append(code)
        }
        return valid ? codes : nil
    }
}
