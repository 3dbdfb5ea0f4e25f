/// How a DELTA's decisions change what the recipient holds (SPEC section 4, format 3's
/// trailer), computed from the versions the decisions are made from: the cost follows the
/// night's changes, never the size of what was sent before.
extension DeltaPlanner {
    /// A NEW adds the new version; a CHANGED swaps the held version for the new one; a
    /// REMOVED takes the held version out. (Both imply the old version was held.)
    static func record(_ decision: ChangeDecision, held old: RecordVersion?, in tally: FingerprintTally) {
        switch decision {
        case .none:
            break
        case .new(let version):
            tally.add(version)
        case .changed(let version):
            if let old { tally.remove(old) }
            tally.add(version)
        case .removed:
            if let old { tally.remove(old) }
        }
    }

    /// Takes out what the recipient held under a person its `unsubscribed` element removes:
    /// each record held under `pnr` that no person's element of this file places elsewhere.
    func tallyUnsubscribed(_ pnr: String, in tally: FingerprintTally) throws {
        guard let row = try subscriptionRow(pnr), let heldTerms = row.heldTerms(requiresConsent: requiresConsent) else { return }
        var candidates: [RecordKey: (old: RecordVersion?, new: RecordVersion?)] = [:]
        for version in try records.records(ofPerson: pnr) { candidates[version.key] = (version, version) }
        try records.forEachChange(ofPerson: pnr) { key, old, new in candidates[key] = (old, new) }
        for (_, versions) in candidates.sorted(by: { $0.key < $1.key }) {
            guard let old = versions.old, old.pnr == pnr, visibility.isVisible(old, terms: heldTerms) else { continue }
            var nowTerms: PersonTerms?
            if let new = versions.new, new.pnr != pnr {
                nowTerms = try subscriptionRow(new.pnr)?.nowTerms(requiresConsent: requiresConsent)
            }
            let decision = ChangeDecision.decide(
                old: old, new: versions.new, heldTerms: heldTerms, nowTerms: nowTerms,
                visibility: visibility)
            if case .removed = decision { tally.remove(old) }
        }
    }
}
