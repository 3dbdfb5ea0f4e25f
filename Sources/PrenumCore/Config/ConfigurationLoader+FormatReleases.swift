extension ConfigurationLoader {
    /// `formatReleases`: an object from format version number to release date, dates rising
    /// with the version. Absent: every version is served.
    static func readFormatReleases(_ root: [String: Any], reader: JSONFieldReader) -> FormatLifecycle {
        guard let value = root["formatReleases"] else { return .everyVersionServed }
        guard let object = value as? [String: Any], JSONFieldReader.kind(of: value) == .object else {
            reader.report(
                "formatReleases",
                expected: "an object from format version to release date, e.g. {\"2\": \"2025-10-01\", \"3\": \"2026-11-15\"}", value: value
            )
            return .everyVersionServed
        }
        let known = FormatVersion.allCases.map(\.description).joined(separator: ", ")
        var releases: [FormatVersion: CalendarDate] = [:]
        for key in object.keys.sorted() {
            let field = "formatReleases." + key
            guard let number = Int(key), String(number) == key, let version = FormatVersion(number: number) else {
                reader.report(field, expected: "a known format version as the key (\(known))", found: "\"\(key)\"")
                continue
            }
            guard let text = object[key] as? String, JSONFieldReader.kind(of: object[key] as Any) == .string,
                let date = CalendarDate(text)
            else {
                reader.report(field, expected: "a release date YYYY-MM-DD", value: object[key])
                continue
            }
            releases[version] = date
        }
        if object.isEmpty {
            reader.report(
                "formatReleases", expected: "at least one release (or leave the key out: every version is served)", found: "an empty object"
            )
        }
        let ordered = releases.sorted { $0.key < $1.key }
        for (earlier, later) in zip(ordered, ordered.dropFirst()) where later.value <= earlier.value {
            reader.report(
                "formatReleases.\(later.key)",
                expected: "a date after version \(earlier.key)'s release (\(earlier.value)): dates rise with the version",
                found: "\"\(later.value)\"")
        }
        return FormatLifecycle(releases: releases)
    }
}
