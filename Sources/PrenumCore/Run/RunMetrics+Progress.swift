import Foundation
import PrenumSQLite

extension RunMetrics {
    static let progressFamilies = ["prenum_run_in_progress", "prenum_run_started_timestamp_seconds"]

    /// The two families that show a run under way: written when a run takes the lock, kept
    /// by its end, so that a run killed mid-way leaves `prenum_run_in_progress 1` behind
    /// instead of the previous night's good result.
    static func progressText(inProgress: Bool, startedAt: Date?) -> String {
        var out =
            "# HELP prenum_run_in_progress 1 from when a prenum run takes the lock until it ends; 1 with no run going means it was killed.\n"
        out += "# TYPE prenum_run_in_progress gauge\nprenum_run_in_progress \(inProgress ? 1 : 0)\n"
        if let startedAt {
            out += "# HELP prenum_run_started_timestamp_seconds Unix time the last prenum run took the lock.\n"
            out += "# TYPE prenum_run_started_timestamp_seconds gauge\n"
            out += "prenum_run_started_timestamp_seconds \(Int64(startedAt.timeIntervalSince1970.rounded(.down)))\n"
        }
        return out
    }

    /// Rewrites the metrics file (atomically) as it was, with the run marked in progress.
    public static func markStarted(path: String, at started: Date, log: EventLog) {
        let previous = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        var kept = previous.split(separator: "\n").filter { line in
            !progressFamilies.contains { family in
                line.hasPrefix(family + " ") || line.hasPrefix("# HELP \(family) ") || line.hasPrefix("# TYPE \(family) ")
            }
        }.joined(separator: "\n")
        if !kept.isEmpty { kept += "\n" }
        let text = kept + progressText(inProgress: true, startedAt: started)
        do {
            try DurableFiles.makeFolder((path as NSString).deletingLastPathComponent)
            try DurableFiles.writeAtomically(Array(text.utf8), to: path, mode: fileMode)
        } catch {
            log.log(.warning, "run.metrics-not-written", ["path": path, "message": String(describing: error)])
        }
    }

    /// The in-progress mark an earlier file carries, so that a run refused because another
    /// holds the lock does not hide the holder.
    static func previousProgress(in path: String) -> (inProgress: Bool, startedAt: Date?) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (false, nil) }
        var result: (inProgress: Bool, startedAt: Date?) = (false, nil)
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[1]) else { continue }
            if parts[0] == "prenum_run_in_progress" { result.inProgress = value == 1 }
            if parts[0] == "prenum_run_started_timestamp_seconds" { result.startedAt = Date(timeIntervalSince1970: value) }
        }
        return result
    }

    /// Staged, unpublished files per subscriber, read without changing the state database.
    static func stagedFiles(_ configuration: Configuration) -> [String: Int] {
        guard DurableFiles.exists(configuration.stateDatabase),
            let database = try? Database(path: configuration.stateDatabase, mode: .readOnly),
            let staged = try? RunLedger(database: database).stagedDeliveries()
        else { return [:] }
        return staged.reduce(into: [:]) { $0[$1.subscriber, default: 0] += 1 }
    }

    /// Where a run whose configuration did not load should still record its refusal: the
    /// `metricsFile` key, or the default beside `stateDatabase`, read leniently from whatever
    /// JSON the file holds; nil when neither can be made out.
    public static func pathHint(configPath: String) -> String? {
        guard let data = FileManager.default.contents(atPath: configPath),
            let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        else { return nil }
        let folder = ConfigurationPath.resolve(
            (configPath as NSString).deletingLastPathComponent.isEmpty ? "." : (configPath as NSString).deletingLastPathComponent,
            against: ConfigurationPath.currentDirectory)
        if let metrics = root["metricsFile"] as? String, !metrics.isEmpty {
            return ConfigurationPath.resolve(metrics, against: folder)
        }
        guard let state = root["stateDatabase"] as? String, !state.isEmpty else { return nil }
        let stateFolder = (ConfigurationPath.resolve(state, against: folder) as NSString).deletingLastPathComponent
        return (stateFolder as NSString).appendingPathComponent("metrics/prenum.prom")
    }
}
