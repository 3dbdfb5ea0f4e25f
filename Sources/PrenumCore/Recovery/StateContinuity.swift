import Foundation
import PrenumCrypto
import PrenumSQLite

/// Whether the state database still describes what the archive and the outboxes hold.
///
/// A state lost, emptied or restored from an older backup would start chains again or reuse
/// sequence numbers with other content, and forget population changes whose files are already
/// in `processed/`. The archive and the outboxes hold the truth, so every run compares them
/// with the state before it writes anything, and stops (exit 65) pointing to `prenum recover`.
///
/// Cheap by design: per subscriber it lists the archive and outbox folders and hashes one file,
/// the archived file at the state's last sequence. `prenum check` uses the same findings.
struct StateContinuity: Sendable {
    let configuration: Configuration

    init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// One way in which the state is behind the archive or the outboxes.
    struct Finding: Sendable, Hashable, CustomStringConvertible {
        enum Kind: Sendable, Hashable {
            /// A delivery file above the state's last sequence, in the archive or the outbox.
            case deliveryAhead(stateSequence: Int64, foundSequence: Int64, folder: String)
            /// The archived file at the state's last sequence is not the one the state recorded.
            case deliveryHashDiffers(sequence: Int64, file: String)
            /// Archived population files beyond the ones the state counts as applied.
            case populationAhead(stateApplied: Int64, archivedIndex: Int64)
            /// The archived population file at the state's last index is another file.
            case populationHashDiffers(index: Int64, file: String)
            /// A new or empty state while the archive or the outbox holds files (the chain's last
            /// sequence there, 0 for none, and the archived population files).
            case stateEmpty(archivedSequence: Int64, populationFiles: Int)
        }

        let subscriber: String
        let kind: Kind

        var description: String {
            switch kind {
            case .deliveryAhead(let state, let found, let folder):
                return "\(subscriber): sequence \(found) in \(folder), the state's last is \(state)"
            case .deliveryHashDiffers(let sequence, let file):
                return "\(subscriber): sequence \(sequence) in the archive (\(file)) is not the file the state recorded"
            case .populationAhead(let applied, let index):
                return "\(subscriber): population file \(index) in the archive, the state counts \(applied) applied"
            case .populationHashDiffers(let index, let file):
                return "\(subscriber): population file \(index) in the archive (\(file)) is not the file the state recorded"
            case .stateEmpty(let sequence, let populationFiles):
                return
                    "\(subscriber): the state is new or empty, the archive and outbox hold sequences up to \(sequence) and \(populationFiles) population file(s)"
            }
        }
    }

    /// The run stops: the state is behind the archive or the outboxes.
    struct Behind: PrenumFailure {
        let statePath: String
        let findings: [Finding]
        var exitCode: ExitCode { .dataError }
        var description: String {
            "state database \(statePath) is behind the archive and the outboxes (lost, emptied or restored from an older backup): "
                + findings.map(\.description).joined(separator: "; ")
                + "; nothing was written. Run `prenum recover` to rebuild it from the archive (docs/OPERATIONS.md, \"Recovering the state database\")"
        }
    }

    /// Throws `Behind` when there is any finding. `state` is nil for a state database that does
    /// not exist yet or is an empty file.
    func verify(state: Database?) throws {
        let found = try findings(state: state)
        if !found.isEmpty { throw Behind(statePath: configuration.stateDatabase, findings: found) }
    }

    /// Opens the state database for a command that writes it (`run`, `import`), after checking it
    /// against the archive and the outboxes; a missing or empty state file is not created when
    /// the archive holds files.
    /// The state is read read-only first, so that not even a migration touches a state that
    /// is behind.
    func openState() throws -> StateDatabase {
        let found = try findings()
        if !found.isEmpty { throw Behind(statePath: configuration.stateDatabase, findings: found) }
        return try StateDatabase(path: configuration.stateDatabase)
    }

    /// Whether the configured state file is missing or empty, so that it must not be created
    /// before the archive has been looked at.
    var stateFileIsEmpty: Bool {
        // A write-ahead log may hold commits not yet copied into the file.
        [configuration.stateDatabase, configuration.stateDatabase + "-wal"].allSatisfy { path in
            var info = stat()
            return stat(path, &info) != 0 || info.st_size == 0
        }
    }

    /// The findings against the configured state file, opened read-only (for `prenum check`,
    /// which writes nothing). A file SQLite cannot read is left to the state database's own
    /// checks.
    func findings() throws -> [Finding] {
        if stateFileIsEmpty { return try findings(state: nil) }
        let database: Database
        do {
            database = try Database(path: configuration.stateDatabase, mode: .readOnly)
        } catch {
            return []
        }
        return try findings(state: database)
    }

    /// The findings against an open state database (nil: new or empty).
    func findings(state: Database?) throws -> [Finding] {
        let positions = try state.map(StatePositions.init) ?? StatePositions()
        var found: [Finding] = []
        let populations = PopulationArchive(archiveRoot: configuration.archive)
        for subscriber in configuration.subscribers {
            let archiveFolder = (configuration.archive as NSString).appendingPathComponent(subscriber.id)
            let archived = try Self.deliveryFiles(in: archiveFolder, subscriber: subscriber.id)
            let archivedPopulation = try populations.entries(subscriber: subscriber.id)
            let outbox = subscriber.outboxFolder(in: configuration)
            let published = try Self.deliveryFiles(in: outbox, subscriber: subscriber.id, outbox: true)
            if positions.isEmpty {
                // A first population file may be archived by an import killed before its
                // commit; with no delivery yet, its file is still in the inbox.
                let population = archivedPopulation.filter { $0.index > 1 || !archived.isEmpty }.count
                let sequence = max(archived.last?.name.sequence ?? 0, published.last?.name.sequence ?? 0)
                if sequence > 0 || population > 0 {
                    found.append(
                        Finding(
                            subscriber: subscriber.id,
                            kind: .stateEmpty(
                                archivedSequence: sequence,
                                populationFiles: archivedPopulation.count)))
                }
                continue
            }
            let position = positions.deliveries[subscriber.id] ?? (0, DeliveryHeader.firstPreviousHash)
            for (folder, files) in [(archiveFolder, archived), (outbox, published)] {
                if let newest = files.last, newest.name.sequence > position.sequence {
                    found.append(
                        Finding(
                            subscriber: subscriber.id,
                            kind: .deliveryAhead(stateSequence: position.sequence, foundSequence: newest.name.sequence, folder: folder)))
                }
            }
            if position.sequence > 0, let atState = archived.last(where: { $0.name.sequence == position.sequence }),
                try SHA256Digest.hex(ofFile: atState.path) != position.sha256
            {
                found.append(
                    Finding(subscriber: subscriber.id, kind: .deliveryHashDiffers(sequence: position.sequence, file: atState.path)))
            }
            let applied = positions.populations[subscriber.id] ?? (0, nil)
            if let newest = archivedPopulation.last, newest.index > applied.count + 1 {
                found.append(
                    Finding(subscriber: subscriber.id, kind: .populationAhead(stateApplied: applied.count, archivedIndex: newest.index)))
            }
            if let sha256 = applied.lastSHA256,
                let atState = archivedPopulation.first(where: { $0.index == applied.count && $0.sha256 != sha256 })
            {
                found.append(Finding(subscriber: subscriber.id, kind: .populationHashDiffers(index: applied.count, file: atState.path)))
            }
        }
        return found
    }

    /// A delivery data file found in a folder, with its parsed name.
    struct ListedFile {
        let name: DeliveryFileName
        let path: String
    }

    /// The subscriber's delivery data files in `folder` by sequence, from the listing only. An
    /// outbox that cannot be listed (not a folder, say) counts as empty: that subscriber's
    /// delivery fails with its own message, and the others go on.
    static func deliveryFiles(in folder: String, subscriber: String, outbox: Bool = false) throws -> [ListedFile] {
        guard DurableFiles.exists(folder) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder)
        } catch {
            if outbox { return [] }
            throw OperationFailure(.noInput, "cannot list \(folder): \(error.localizedDescription)")
        }
        // Only regular files count: a folder that merely has a delivery file's name was never published.
        return names.compactMap { name -> ListedFile? in
            guard let parsed = DeliveryFileName(parsing: name), parsed.subscriberID == subscriber else { return nil }
            let path = (folder as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), !isFolder.boolValue else { return nil }
            return ListedFile(name: parsed, path: path)
        }.sorted { $0.name.sequence < $1.name.sequence }
    }
}

/// What the state says about every subscriber's chain and population, read in one go.
struct StatePositions {
    var deliveries: [String: (sequence: Int64, sha256: String)] = [:]
    /// Applied population files, and the SHA-256 of the one at the last index if it has one.
    var populations: [String: (count: Int64, lastSHA256: String?)] = [:]
    /// No run and no applied population file: a new (or emptied) state.
    var isEmpty = true

    init() {}

    init(_ database: Database) throws {
        let tables = try StateSchema.tableNames(database)
        guard tables.contains("subscriber_state"), tables.contains("population_file"), tables.contains("run") else { return }
        let ledger = RunLedger(database: database)
        deliveries = try ledger.chainPositions()
        populations = try PopulationImporter.appliedPositions(database)
        let runs = try ledger.runCount()
        isEmpty = runs == 0 && populations.isEmpty && deliveries.values.allSatisfy { $0.sequence == 0 }
    }
}
