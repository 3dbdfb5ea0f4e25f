import Foundation

/// Loads `prenum.json` and its categories file and validates everything before any other
/// part of Prenum reads or writes a byte: a run on a wrong configuration could deliver to
/// the wrong recipient, which is far worse than not delivering.
public enum ConfigurationLoader {
    static let rootKeys = [
        "register", "stateDatabase", "inbox", "outbox", "archive", "signingKey",
        "categories", "historyDays", "timeZone", "formatReleases", "subscribers", "metricsFile"
    ]
    static let defaultHistoryDays = 400
    static let historyDaysRange = 1...3650
    static let defaultTimeZone = "Europe/Stockholm"
    static let defaultCategories = "categories.json"

    /// Loads and validates. Throws one `ConfigurationError` listing every problem found in
    /// both files (exit 78), or naming the configuration file when it cannot be read (exit 66).
    public static func load(path: String) throws -> Configuration {
        let displayFolder = (path as NSString).deletingLastPathComponent
        let folder = ConfigurationPath.resolve(
            displayFolder.isEmpty ? "." : displayFolder,
            against: ConfigurationPath.currentDirectory)
        let reader = JSONFieldReader(file: path)
        let root = try readRoot(path: path, reader: reader)

        reader.rejectUnknownKeys(root, allowed: rootKeys + brakeKeys, at: "")
        func pathField(_ key: String, required: Bool = true) -> String? {
            guard let text = reader.string(root, key, at: "", required: required) else { return nil }
            return usablePath(text, field: key, reader: reader).map { ConfigurationPath.resolve($0, against: folder) }
        }
        let register = pathField("register")
        let stateDatabase = pathField("stateDatabase")
        let inbox = pathField("inbox")
        let outbox = pathField("outbox")
        let archive = pathField("archive")
        let signingKey = pathField("signingKey")
        let metricsFile = root["metricsFile"] == nil ? nil : pathField("metricsFile", required: false)
        let categoriesText = root["categories"] == nil ? defaultCategories : reader.string(root, "categories", at: "", required: false)
        let categoriesPath = categoriesText.flatMap { usablePath($0, field: "categories", reader: reader) }
            .map { ConfigurationPath.resolve($0, against: folder) }

        checkUsable(register, field: "register", reader: reader, ConfigurationPath.inputFileProblem)
        checkUsable(signingKey, field: "signingKey", reader: reader, ConfigurationPath.inputFileProblem)
        checkUsable(stateDatabase, field: "stateDatabase", reader: reader, ConfigurationPath.writableFileProblem)
        for (field, value) in [("inbox", inbox), ("outbox", outbox), ("archive", archive)] {
            checkUsable(value, field: field, reader: reader, ConfigurationPath.folderProblem)
        }

        var historyDays = defaultHistoryDays
        if root["historyDays"] != nil, let value = reader.integer(root, "historyDays", at: "", required: false) {
            if historyDaysRange.contains(value) {
                historyDays = value
            } else {
                reader.report(
                    "historyDays", expected: "a whole number of days in \(historyDaysRange.lowerBound)...\(historyDaysRange.upperBound)",
                    found: "\(value)")
            }
        }
        var timeZone = TimeZone(identifier: defaultTimeZone) ?? TimeZone.current
        if root["timeZone"] != nil, let identifier = reader.string(root, "timeZone", at: "", required: false) {
            if let zone = TimeZone(identifier: identifier), !identifier.isEmpty {
                timeZone = zone
            } else {
                reader.report("timeZone", expected: "a time zone identifier such as Europe/Stockholm", value: identifier)
            }
        }

        let brake = readBrake(root, reader: reader)
        let formatLifecycle = readFormatReleases(root, reader: reader)

        var categories: [String: [String]] = [:]
        var categoriesReader: JSONFieldReader?
        if let categoriesPath {
            let display = categoriesText.map { displayPath($0, configFolder: displayFolder) } ?? categoriesPath
            let categoryReader = JSONFieldReader(file: display)
            categories = loadCategories(path: categoriesPath, reader: categoryReader, configReader: reader)
            categoriesReader = categoryReader
        }

        var subscribers: [Subscriber] = []
        if let items = reader.array(root, "subscribers", at: "", required: true, of: "subscriber objects") {
            subscribers = readSubscribers(items, categories: categories, folder: folder, outboxRoot: outbox, reader: reader)
        }
        FolderRules.check(
            register: register, stateDatabase: stateDatabase, inbox: inbox, outbox: outbox, archive: archive,
            subscribers: subscriberIndices(items: root["subscribers"], subscribers: subscribers), reader: reader)

        let problems = reader.problems + (categoriesReader?.problems ?? [])
        guard problems.isEmpty, let register, let stateDatabase, let inbox, let outbox, let archive, let signingKey,
            let categoriesPath
        else {
            throw ConfigurationError(problems: problems)
        }
        var configuration = Configuration(
            configPath: path, folder: folder, register: register, stateDatabase: stateDatabase,
            inbox: inbox, outbox: outbox, archive: archive, signingKey: signingKey,
            categoriesPath: categoriesPath, historyDays: historyDays, timeZone: timeZone,
            subscribers: subscribers, categories: categories, formatLifecycle: formatLifecycle)
        configuration.metricsFile = metricsFile
        configuration.brake = brake
        return configuration
    }

    /// The top-level object of a JSON file, or a thrown error when there is none to check.
    /// A configuration file that cannot be read is missing input (66); one that is not JSON
    /// is a configuration problem (78).
    private static func readRoot(path: String, reader: JSONFieldReader) throws -> [String: Any] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigurationError(
                problems: [
                    ConfigurationProblem(
                        file: path, field: "(file)", expected: "a readable configuration file",
                        found: "none (\(readFailure(path)))")
                ], exitCode: .noInput)
        }
        guard let root = parseObject(data, reader: reader) else { throw ConfigurationError(problems: reader.problems) }
        return root
    }

    /// Parses a JSON object, reporting a parse failure or another top-level value.
    static func parseObject(_ data: Data, reader: JSONFieldReader) -> [String: Any]? {
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            let message = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "unparseable text"
            reader.report("(file)", expected: "valid JSON", found: "invalid JSON (\(message))")
            return nil
        }
        guard let object = value as? [String: Any] else {
            reader.report("(file)", expected: "a JSON object", value: value)
            return nil
        }
        for key in JSONDuplicateKeys.find(in: data) {
            reader.report(
                key, expected: "each key once in its object", found: "the key given more than once (the parser would keep only one)")
        }
        return object
    }

    static func readFailure(_ path: String) -> String {
        switch ConfigurationPath.entry(at: path) {
        case .missing: return "no such file"
        case .directory: return "it is a folder"
        default: return "it cannot be read"
        }
    }

    /// The path text if it is usable as a path at all: non-empty and without NUL bytes.
    static func usablePath(_ text: String, field: String, reader: JSONFieldReader) -> String? {
        guard !text.isEmpty, !text.utf8.contains(0), text.utf8.count < 4096 else {
            reader.report(field, expected: "a non-empty path without NUL characters, under 4096 bytes", value: text)
            return nil
        }
        return text
    }

    static func checkUsable(_ path: String?, field: String, reader: JSONFieldReader, _ check: (String) -> String?) {
        guard let path, let problem = check(path) else { return }
        reader.report(field, expected: "a usable path", found: "\(path), which \(problem)")
    }

    /// A path for messages: relative ones shown beside the configuration file as the operator named it.
    static func displayPath(_ text: String, configFolder: String) -> String {
        text.hasPrefix("/") || configFolder.isEmpty ? text : configFolder + "/" + text
    }
}
