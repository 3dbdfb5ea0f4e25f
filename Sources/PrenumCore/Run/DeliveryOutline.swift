/// Why a subscriber's file is a FULL or a DELTA, and what it says, beyond the trailer's counts:
/// what `run --dry-run` predicts and the brake on mass removals weighs.
struct DeliveryOutline: Sendable, Equatable {
    /// Why the file has its kind, in the operator's words.
    var reason: String
    var newRecords = 0
    var changedRecords = 0
    var removedRecords = 0
    /// `REMOVED` records whose record the register changed tonight (cancelled, deleted, moved
    /// to another person, benefit changed) — not those a population file's terms took away.
    var removedByRegister = 0

    init(reason: String) {
        self.reason = reason
    }

    /// The reason for the kind a file gets at `position` for `profile` in a run from `baseWatermark`.
    static func reason(position: SubscriberPosition, profile: DeliveryProfile, baseWatermark: Int64) -> String {
        if position.lastSequence == 0 && position.watermark == nil { return "first delivery" }
        if position.refreshPending { return "refresh ordered" }
        if let last = position.profile, last != profile.fingerprint {
            return "profile changed: " + changedParts(last, profile.fingerprint).joined(separator: ", ")
        }
        if position.watermark != baseWatermark {
            return
                "missed night (last file at journal position \(position.watermark.map(String.init) ?? "none"), this run starts at \(baseWatermark))"
        }
        return "delta since the last file"
    }

    /// The names of the fingerprint's parts that differ (`format`, `consent`, `historyDays`, `benefits`).
    private static func changedParts(_ old: String, _ new: String) -> [String] {
        func parts(_ text: String) -> [String: String] {
            var found: [String: String] = [:]
            for part in text.split(separator: ";") {
                let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                found[pair[0]] = pair.count > 1 ? pair[1] : ""
            }
            return found
        }
        let before = parts(old), after = parts(new)
        let names = Set(before.keys).union(after.keys).sorted().filter { before[$0] != after[$0] }
        return names.map { name in
            guard name == "benefits" else { return "\(name) \(before[name] ?? "none") -> \(after[name] ?? "none")" }
            let was = Set((before[name] ?? "").split(separator: ",").map(String.init))
            let now = Set((after[name] ?? "").split(separator: ",").map(String.init))
            var text = "benefits"
            if !now.subtracting(was).isEmpty { text += " +" + now.subtracting(was).sorted().joined(separator: ",+") }
            if !was.subtracting(now).isEmpty { text += " -" + was.subtracting(now).sorted().joined(separator: ",-") }
            return text
        }
    }
}
