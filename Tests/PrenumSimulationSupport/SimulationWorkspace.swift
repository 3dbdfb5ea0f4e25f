import Foundation
import PrenumCore
import PrenumCrypto
import PrenumSQLite
import PrenumSample
import PrenumTestSupport
import XCTest

/// A subscriber as the simulation drives it: its order, its population, and the mirror its
/// recipient builds from the files.
struct SimulatedSubscriber {
    let id: String
    let category: String
    var benefits: [String]
    var purpose: String
    var formatVersion: Int
    var terminatedFrom: String?
    var outbox: String?
    var legalBasis: String?
    var population: [String: VisibilityOracle.Member] = [:]
    var mirror = RecipientMirror()
    var lastHash = String(repeating: "0", count: 64)
    var files: [URL] = []
    /// The last file's trailer: in format 3 it says what the mirror holds.
    var lastTrailer: [String: String] = [:]

    var requiresConsent: Bool { purpose != "coordination" }
}

/// A temporary installation of Prenum with its own register, keys, config and folders, driven
/// day by day by the tests.
final class SimulationWorkspace {
    static let categories: [String: [String]] = [
        "insurance": ["SJP", "FP", "TFP", "SA", "AE"],
        "municipality": RegisterChaos.benefits,
        "enforcement": ["SJP", "FP", "TFP", "AKS", "UTV", "ETE", "SA", "AE"],
        "pension": ["SA", "AE", "SJP", "FP"],
        "agency": ["SJP", "FP", "TFP", "AKS", "UTV", "ETE", "SA", "AE", "BB"]
    ]

    /// PRENUM_KEEP_SIMULATION=1 keeps the folder for a post-mortem of a failing seed.
    private let scratch: TemporaryFolder
    let root: URL
    let register: Database
    let publicKey: VerifyingKey
    let chaos: RegisterChaos
    var subscribers: [SimulatedSubscriber]
    var random: SeededRandom
    var historyDays = 60
    /// `formatReleases` in the configuration; nil leaves the key out (every version served).
    var formatReleases: [String: String]?
    /// When runs fold the record copy's recent versions in (0: every run that has any).
    var compactionPercent = RecordStore.defaultCompactionPercent
    /// The categories file this workspace writes (a test may draw its own).
    var categories: [String: [String]] = SimulationWorkspace.categories
    /// Further prenum.json keys (operational settings such as the brake's).
    var extraConfiguration: [String: Any] = [:]
    /// The tuning the runs take with the configuration.
    var tuning = Tuning.standard
    var logLines: [String] = []
    private let logLock = NSLock()
    private var fileCounter = 0
    /// Population files dropped since the last check, and whether each must be accepted.
    private var droppedFiles: [(subscriber: String, name: String, valid: Bool)] = []

    var configPath: String { root.appendingPathComponent("config/prenum.json").path }

    init(seed: UInt64, persons: Int = 60) throws {
        random = SeededRandom(seed: seed)
        scratch = try TemporaryFolder("prenum-sim-\(seed)", keep: ProcessInfo.processInfo.environment["PRENUM_KEEP_SIMULATION"] != nil)
        root = scratch.url
        for folder in ["config", "inbox", "outbox", "archive", "keys", "moved"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        register = try Database(path: root.appendingPathComponent("register.db").path, mode: .readWrite(create: true))
        try register.enableWriteAheadLog(synchronousFull: false)
        try RegisterSchema.create(in: register)
        let key = try SigningKey.generate()
        try key.writePEM(
            privatePath: root.appendingPathComponent("keys/private.pem").path,
            publicPath: root.appendingPathComponent("keys/public.pem").path)
        publicKey = key.publicKey
        chaos = RegisterChaos(register: register, persons: RegisterChaos.personPool(count: persons, random: &random))
        subscribers = [
            SimulatedSubscriber(id: "ins-a", category: "insurance", benefits: ["SJP", "SA", "FP"], purpose: "claims", formatVersion: 2),
            SimulatedSubscriber(
                id: "mun-b", category: "municipality", benefits: ["BOB", "SJP", "FP", "TFP", "AKS"], purpose: "coordination",
                formatVersion: 1),
            SimulatedSubscriber(
                id: "enf-c", category: "enforcement", benefits: ["SJP", "AKS", "SA", "AE"], purpose: "coordination", formatVersion: 2,
                outbox: "../moved/enf-c"),
            SimulatedSubscriber(
                id: "age-d", category: "agency", benefits: ["SJP", "FP", "BB", "UTV"], purpose: "risk_assessment", formatVersion: 1),
            SimulatedSubscriber(
                id: "pen-e", category: "pension", benefits: ["SA", "AE", "SJP"], purpose: "coordination", formatVersion: 3,
                legalBasis: "SFB 110:39 (simulated agreement)")
        ]
        let start = CalendarDate("2026-01-01")!
        for _ in 0..<120 { try chaos.insertPayment(on: start, &random) }
        for _ in 0..<50 { try chaos.insertCase(on: start, &random) }
    }

    func outboxFolder(_ subscriber: SimulatedSubscriber) -> URL {
        if let outbox = subscriber.outbox { return root.appendingPathComponent("config").appendingPathComponent(outbox).standardized }
        return root.appendingPathComponent("outbox/\(subscriber.id)")
    }

    func writeConfiguration() throws {
        var list: [[String: Any]] = []
        for (index, subscriber) in subscribers.enumerated() {
            var entry: [String: Any] = [
                "id": subscriber.id,
                "orgNumber": OrganisationNumber.make(nineDigits: "55600000\(index)")!.digits,
                "name": "Simulated \(subscriber.id)",
                "category": subscriber.category,
                "benefits": subscriber.benefits,
                "purpose": subscriber.purpose,
                "formatVersion": subscriber.formatVersion
            ]
            if let terminated = subscriber.terminatedFrom { entry["terminatedFrom"] = terminated }
            if let outbox = subscriber.outbox { entry["outbox"] = outbox }
            if let legalBasis = subscriber.legalBasis { entry["legalBasis"] = legalBasis }
            list.append(entry)
        }
        var config: [String: Any] = [
            "register": "../register.db", "stateDatabase": "../state.db", "inbox": "../inbox", "outbox": "../outbox",
            "archive": "../archive", "signingKey": "../keys/private.pem", "categories": "categories.json",
            "historyDays": historyDays, "timeZone": "Europe/Stockholm", "subscribers": list
        ]
        if let formatReleases { config["formatReleases"] = formatReleases }
        config.merge(extraConfiguration) { _, extra in extra }
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys])
            .write(to: URL(fileURLWithPath: configPath))
        try JSONSerialization.data(withJSONObject: categories, options: [.prettyPrinted, .sortedKeys])
            .write(to: root.appendingPathComponent("config/categories.json"))
    }

    /// Drops a population file for the subscriber and updates the expected population when
    /// the file is valid (an invalid one must change nothing).
    func dropPopulationFile(for index: Int, day: CalendarDate, full: Bool = false, invalid: Bool = false, lines count: Int) throws {
        var subscriber = subscribers[index]
        var lines = ["action;pnr;consent;from"]
        var population = full ? [:] : subscriber.population
        for _ in 0..<count {
            let pnr = random.pick(chaos.persons)
            if !full && random.chance(0.3) {
                lines.append("REMOVE;\(pnr);;")
                population[pnr] = nil
                continue
            }
            let consent = subscriber.requiresConsent || random.chance(0.6)
            let from: String? = random.chance(0.3) ? day.adding(days: Int.random(in: -300...20, using: &random)).description : nil
            lines.append("ADD;\(pnr);\(consent ? "Y" : "");\(from ?? "")")
            population[pnr] = VisibilityOracle.Member(consent: consent, fromDate: from)
        }
        if invalid { lines.insert("ADD;199001011234;Y;", at: lines.count / 2 + 1) }
        fileCounter += 1
        let name = (full ? "full-" : "") + "\(day.compact)-n\(String(format: "%04d", fileCounter)).csv"
        let folder = root.appendingPathComponent("inbox/\(subscriber.id)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent(name))
        if !invalid { subscriber.population = population }
        subscribers[index] = subscriber
        droppedFiles.append((subscriber.id, name, !invalid))
    }

    /// Every dropped file was applied (moved to processed/) or refused (rejected/) exactly as
    /// the expected populations assume.
    func assertPopulationFilesHandledAsExpected(file: StaticString = #filePath, line: UInt = #line) throws {
        for dropped in droppedFiles {
            let folder = root.appendingPathComponent("inbox/\(dropped.subscriber)")
            let expected = folder.appendingPathComponent((dropped.valid ? "processed/" : "rejected/") + dropped.name).path
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: expected), "\(dropped.subscriber) \(dropped.name) should be in \(expected)",
                file: file, line: line)
        }
        droppedFiles.removeAll()
    }

    func makeLog() -> EventLog {
        EventLog { [weak self] line in
            guard let self else { return }
            self.logLock.lock()
            self.logLines.append(line)
            self.logLock.unlock()
        }
    }

    func run(_ day: CalendarDate, clock: Date? = nil) throws -> RunReport {
        var configuration = try ConfigurationLoader.load(path: configPath)
        configuration.tuning = tuning
        let fixed = clock ?? Timestamp.parse("\(day)T01:00:00Z") ?? Date()
        return try NightlyRun(
            configuration: configuration, log: makeLog(), clock: { fixed },
            compactionPercent: compactionPercent, inboxLookSeconds: 0
        ).execute(businessDate: day)
    }

    func orderRefresh(_ id: String) throws {
        let state = try StateDatabase(path: root.appendingPathComponent("state.db").path)
        try RunLedger(database: state.database).orderRefresh(subscriber: id, at: "2026-01-01T00:00:00Z")
    }

    /// Reads the subscriber's new files, checks signature and chain, and applies them.
    func collect(_ index: Int, expectNew: Int?, file: StaticString = #filePath, line: UInt = #line) throws {
        var subscriber = subscribers[index]
        let folder = outboxFolder(subscriber)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".xml") }.sorted()
        let fresh = names.filter { name in !subscriber.files.contains { $0.lastPathComponent == name } }
        if let expectNew {
            XCTAssertEqual(fresh.count, expectNew, "\(subscriber.id): files delivered this run: \(fresh)", file: file, line: line)
        }
        for name in fresh {
            let url = folder.appendingPathComponent(name)
            let signature = try [UInt8](Data(contentsOf: URL(fileURLWithPath: url.path + ".sig")))
            XCTAssertEqual(signature.count, 64, file: file, line: line)
            XCTAssertTrue(try publicKey.verifyFile(path: url.path, signature: signature), "\(name): signature", file: file, line: line)
            let parsed = try DeliveryFileParser.parse(url)
            let expectedSequence = subscriber.mirror.lastSequence + 1
            XCTAssertEqual(parsed.header["sequence"], String(expectedSequence), "\(name): sequence gap or repeat", file: file, line: line)
            XCTAssertEqual(parsed.header["previousSequence"], String(expectedSequence - 1), file: file, line: line)
            XCTAssertEqual(parsed.header["previousHash"], subscriber.lastHash, "\(name): previousHash chain", file: file, line: line)
            XCTAssertEqual(parsed.header["formatVersion"], String(subscriber.formatVersion), file: file, line: line)
            XCTAssertEqual(parsed.header["keyId"], publicKey.keyID, file: file, line: line)
            XCTAssertTrue(name.hasPrefix("\(subscriber.id)-\(String(format: "%08d", expectedSequence))-"), name, file: file, line: line)
            // Confidentiality, file by file: only persons of the population (with consent
            // where needed) and only ordered benefits ever appear.
            for person in parsed.persons {
                let member = subscriber.population[person.pnr]
                XCTAssertNotNil(member, "\(name): a person outside the population", file: file, line: line)
                XCTAssertTrue(
                    member?.consent == true || !subscriber.requiresConsent, "\(name): a person without required consent", file: file,
                    line: line)
                for (change, record) in person.records where change != "REMOVED" {
                    XCTAssertTrue(
                        subscriber.benefits.contains(record.attributes["benefit"] ?? ""), "\(name): benefit not ordered", file: file,
                        line: line)
                    XCTAssertTrue(
                        categories[subscriber.category]!.contains(record.attributes["benefit"] ?? ""), "\(name): benefit not permitted",
                        file: file, line: line)
                }
            }
            if subscriber.formatVersion >= 3 {
                XCTAssertEqual(parsed.header["purpose"], subscriber.purpose, "\(name): purpose", file: file, line: line)
                XCTAssertEqual(
                    parsed.header["legalBasis"], subscriber.legalBasis ?? OracleFingerprint.legalBasis[subscriber.purpose],
                    "\(name): legalBasis", file: file, line: line)
            }
            subscriber.mirror.apply(parsed, name: name, file: file, line: line)
            subscriber.lastTrailer = parsed.trailer
            subscriber.lastHash = try SHA256Digest.hex(ofFile: url.path)
            subscriber.files.append(url)
        }
        subscribers[index] = subscriber
    }

    func assertMirror(_ index: Int, on day: CalendarDate, file: StaticString = #filePath, line: UInt = #line) throws {
        let subscriber = subscribers[index]
        let expected = try VisibilityOracle(register: register).visible(
            population: subscriber.population, requiresConsent: subscriber.requiresConsent, benefits: subscriber.benefits,
            formatVersion: subscriber.formatVersion, businessDate: day.description, historyDays: historyDays)
        let held = subscriber.mirror.records
        let missing = expected.keys.filter { held[$0] == nil }.sorted()
        let extra = held.keys.filter { expected[$0] == nil }.sorted()
        let differing = expected.keys.filter { held[$0] != nil && held[$0] != expected[$0] }.sorted()
        XCTAssertTrue(
            missing.isEmpty && extra.isEmpty && differing.isEmpty,
            """
            \(subscriber.id) on \(day): mirror differs from the visible set: missing \(missing), extra \(extra), \
            differing \(differing.map { "\(held[$0]!) vs expected \(expected[$0]!)" })
            \((missing + extra + differing).prefix(2).map { diagnose($0, subscriber: subscriber, expected: expected[$0]) }.joined(separator: "\n"))
            """, file: file, line: line)
        if subscriber.formatVersion >= 3 {
            // The trailer against a fingerprint computed here from the oracle's records.
            let oracle = OracleFingerprint.of(Array(expected.values))
            XCTAssertEqual(
                subscriber.lastTrailer["visible"], String(oracle.visible), "\(subscriber.id) on \(day): trailer visible", file: file,
                line: line)
            XCTAssertEqual(
                subscriber.lastTrailer["fingerprint"], oracle.hex, "\(subscriber.id) on \(day): trailer fingerprint", file: file, line: line
            )
        }
        for record in held.values {
            XCTAssertNotNil(
                subscriber.population[record.pnr], "\(subscriber.id) holds a record of a person outside its population", file: file,
                line: line)
            XCTAssertTrue(
                subscriber.benefits.contains(record.attributes["benefit"] ?? ""), "\(subscriber.id) holds an unordered benefit", file: file,
                line: line)
        }
    }

    /// What a failing comparison needs for a post-mortem: the record's journal, the subscriber's
    /// terms for its person, and every line of the subscriber's files that mentions it.
    func diagnose(_ key: String, subscriber: SimulatedSubscriber, expected: MirrorRecord?) -> String {
        let parts = key.split(separator: ":")
        let entity = parts[0] == "case" ? "case" : "payment"
        var text = "[\(key)] expected=\(expected.map { "\($0.pnr) \($0)" } ?? "nil")"
        let journal = (try? register.prepare("SELECT seq, op FROM change_log WHERE entity = ? AND entity_id = ? ORDER BY seq")) ?? nil
        var rows: [String] = []
        try? journal?.forEachRow([entity, Int64(parts[1]) ?? 0]) { rows.append("\($0.int64(0))\($0.text(1))") }
        text += " journal=\(rows)"
        if let pnr = expected?.pnr { text += " terms=\(String(describing: subscriber.population[pnr]))" }
        for url in subscriber.files {
            let lines = ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n")
            var person = ""
            for line in lines {
                if line.contains("<person ") { person = String(line) }
                if line.contains("<\(parts[0]) id=\"\(parts[1])\"") {
                    text +=
                        "\n   \(url.lastPathComponent): \(person.trimmingCharacters(in: .whitespaces)) \(line.trimmingCharacters(in: .whitespaces))"
                }
            }
        }
        return text
    }

    /// Every file's signature verifies with the SPEC's openssl command.
    func assertOpenSSLVerifies(file: StaticString = #filePath, line: UInt = #line) throws {
        let publicPEM = root.appendingPathComponent("keys/public.pem").path
        for url in subscribers.flatMap(\.files) {
            let result = try ProcessRunner.run(
                "/usr/bin/openssl",
                [
                    "pkeyutl", "-verify", "-pubin", "-inkey", publicPEM, "-rawin",
                    "-in", url.path, "-sigfile", url.path + ".sig"
                ])
            XCTAssertEqual(
                result.status, 0, "\(url.lastPathComponent): openssl: \(result.output) \(result.errorOutput)", file: file, line: line)
        }
    }

    /// Every file validates against its format's XSD with xmllint.
    func assertSchemaValid(file: StaticString = #filePath, line: UInt = #line) throws {
        for version in FormatVersion.allCases {
            let paths = subscribers.filter { _ in true }.flatMap { $0.files }.filter { url in
                (try? String(contentsOf: url, encoding: .utf8).contains("formatVersion=\"\(version)\"")) ?? false
            }.map(\.path)
            guard !paths.isEmpty, let schema = DeliverySchema.xsdPath(formatVersion: version) else { continue }
            let result = try ProcessRunner.run("/usr/bin/xmllint", ["--noout", "--schema", schema] + paths)
            XCTAssertEqual(result.status, 0, "xmllint v\(version): \(result.errorOutput.prefix(2000))", file: file, line: line)
        }
    }
}
