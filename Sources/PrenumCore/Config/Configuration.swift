import Foundation

/// The validated configuration. Every path is absolute (resolved against the folder of the
/// configuration file), so that nothing later depends on the working directory cron used.
public struct Configuration: Sendable {
    /// The configuration file as given.
    public let configPath: String
    /// Its folder, absolute; relative paths in the file are resolved against it.
    public let folder: String
    public let register: String
    public let stateDatabase: String
    /// Root of the subscribers' inbox folders (`<inbox>/<id>/`).
    public let inbox: String
    /// Root of the subscribers' outbox folders (`<outbox>/<id>/`).
    public let outbox: String
    public let archive: String
    /// The private key's PEM file; not read when the configuration is loaded.
    public let signingKey: String
    /// The categories file the permitted benefits came from.
    public let categoriesPath: String
    /// How far back delivered records reach, in days.
    public let historyDays: Int
    /// The zone in which "today" is the default business date.
    public let timeZone: TimeZone
    /// Which format versions are served on which dates (`formatReleases`).
    let formatLifecycle: FormatLifecycle
    public let subscribers: [Subscriber]
    /// Category name to the benefit codes the law lets it receive.
    public let categories: [String: [String]]
    /// `metricsFile`: where `run` writes its Prometheus textfile; nil for the default beside
    /// the state database. `run --metrics-file` overrides it.
    public var metricsFile: String?
    /// When a file that takes much away is held for the operator (`MassRemovalBrake`).
    public var brake = MassRemovalBrake.standard
    /// Operational tuning from outside the file (`PRENUM_*`), set by the executable.
    public var tuning = Tuning.standard

    public init(
        configPath: String, folder: String, register: String, stateDatabase: String, inbox: String,
        outbox: String, archive: String, signingKey: String, categoriesPath: String, historyDays: Int,
        timeZone: TimeZone, subscribers: [Subscriber], categories: [String: [String]],
        formatLifecycle: FormatLifecycle = .everyVersionServed
    ) {
        self.formatLifecycle = formatLifecycle
        self.configPath = configPath
        self.folder = folder
        self.register = register
        self.stateDatabase = stateDatabase
        self.inbox = inbox
        self.outbox = outbox
        self.archive = archive
        self.signingKey = signingKey
        self.categoriesPath = categoriesPath
        self.historyDays = historyDays
        self.timeZone = timeZone
        self.subscribers = subscribers
        self.categories = categories
    }

    /// The subscriber with this id, if configured.
    public func subscriber(_ id: String) -> Subscriber? {
        subscribers.first { $0.id == id }
    }

    /// The benefits the law permits for a category.
    func permittedBenefits(for category: SubscriberCategory) -> [String] {
        categories[category.rawValue] ?? []
    }

    /// The lock file that keeps two runs apart: beside the state database, which is what
    /// two concurrent runs would corrupt.
    public var lockPath: String { stateDatabase + ".lock" }

    /// The business date `prenum` uses when none is given.
    public func today(now: Date = Date()) -> CalendarDate {
        CalendarDate.today(in: timeZone, now: now)
    }
}

extension Configuration {
    /// Creates the state database's folder (mode 0750) if missing, so a first run on a fresh
    /// machine works; the loader has already checked that it can be created.
    func prepareStateFolder() throws {
        try DurableFiles.makeFolder((stateDatabase as NSString).deletingLastPathComponent)
    }
}
