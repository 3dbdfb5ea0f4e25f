/// SPEC section 4, "Format versions": which delivery formats are served on a business date,
/// as LEFI runs its versions. The current version (the newest released on or before the date)
/// and the one released before it are served; the previous one until the first anniversary of
/// the current one's release (a 29 February release: 1 March), and no longer once a newer one
/// is released.
///
/// The release dates are the operator's (`formatReleases` in prenum.json). Without them every
/// version is served and nothing ever ends.
public struct FormatLifecycle: Hashable, Sendable {
    /// Release date per version; nil: the configuration names none.
    let releases: [FormatVersion: CalendarDate]?

    /// How long before a version's support ends its subscribers are warned.
    static let warningDays = 90

    public static let everyVersionServed = FormatLifecycle(releases: nil)

    public init(releases: [FormatVersion: CalendarDate]?) {
        self.releases = releases
    }

    /// The first anniversary of `date`: the same day a year later, 1 March for 29 February.
    static func anniversary(of date: CalendarDate) -> CalendarDate {
        CalendarDate(year: date.year + 1, month: date.month, day: date.day)
            ?? CalendarDate(year: date.year + 1, month: 3, day: 1) ?? date.adding(days: 365)
    }

    /// A served version and the day its support ends (nil: no end is set yet).
    public struct Served: Hashable, Sendable {
        public let version: FormatVersion
        let supportEnds: CalendarDate?
    }

    /// The versions served on `date`, oldest first.
    public func served(on date: CalendarDate) -> [Served] {
        guard let releases else { return FormatVersion.allCases.map { Served(version: $0, supportEnds: nil) } }
        let released = releases.filter { $0.value <= date }.sorted { $0.key < $1.key }
        guard let current = released.last else { return [] }
        var served = [Served(version: current.key, supportEnds: nil)]
        if released.count >= 2 {
            let previous = released[released.count - 2]
            let ends = Self.anniversary(of: current.value)
            if date < ends { served.insert(Served(version: previous.key, supportEnds: ends), at: 0) }
        }
        return served
    }

    func isServed(_ version: FormatVersion, on date: CalendarDate) -> Bool {
        served(on: date).contains { $0.version == version }
    }

    /// A subscriber whose version's support ends within `warningDays` of `date`.
    public struct Warning: Hashable, Sendable, CustomStringConvertible {
        public let subscriber: String
        public let version: FormatVersion
        let supportEnds: CalendarDate
        /// The version to move to.
        public let current: FormatVersion

        public var description: String {
            "subscriber \(subscriber) is on format version \(version), whose support ends on \(supportEnds); move it to version \(current) before then"
        }
    }

    /// The warning for one subscriber on `date`, if its version's end is near.
    public func warning(for subscriber: Subscriber, on date: CalendarDate) -> Warning? {
        let served = served(on: date)
        guard let entry = served.first(where: { $0.version == subscriber.formatVersion }), let ends = entry.supportEnds,
            date >= ends.adding(days: -Self.warningDays), let current = served.last?.version
        else { return nil }
        return Warning(subscriber: subscriber.id, version: entry.version, supportEnds: ends, current: current)
    }

    /// Warnings for every active subscriber on `date`: for receipts, the run's log, `status`
    /// and `check`.
    func warnings(for subscribers: [Subscriber], on date: CalendarDate) -> [Warning] {
        subscribers.filter { $0.isActive(on: date) }.compactMap { warning(for: $0, on: date) }
    }

    /// Every active subscriber on a version not served on `date`: a configuration error (78)
    /// for the whole run.
    public func problems(for configuration: Configuration, on date: CalendarDate) -> [ConfigurationProblem] {
        let served = served(on: date)
        let names = served.map(\.version.description).joined(separator: " or ")
        return configuration.subscribers.enumerated().compactMap { index, subscriber in
            guard subscriber.isActive(on: date), !served.contains(where: { $0.version == subscriber.formatVersion }) else { return nil }
            return ConfigurationProblem(
                file: configuration.configPath, field: "subscribers[\(index)].formatVersion",
                expected: served.isEmpty
                    ? "a format version released by \(date) (formatReleases)"
                    : "a format version served on \(date) (\(names))",
                found: "\(subscriber.formatVersion) (\(notServedReason(subscriber.formatVersion, on: date)))")
        }
    }

    /// Throws the configuration error of `problems`, if any.
    public func check(_ configuration: Configuration, on date: CalendarDate) throws {
        let problems = problems(for: configuration, on: date)
        if !problems.isEmpty { throw ConfigurationError(problems: problems) }
    }

    private func notServedReason(_ version: FormatVersion, on date: CalendarDate) -> String {
        guard let releases else { return "served" }
        guard let release = releases[version] else { return "not in formatReleases" }
        if release > date { return "released only on \(release)" }
        return "support ended"
    }
}
