import PrenumCore

/// What `prenum apply` did: the verification, the files applied and skipped, and why it
/// stopped if it did.
public struct ApplyReport: Sendable {
    public let verification: VerificationReport
    public var applied: [String] = []
    /// Files at or below the mirror's last sequence: applied by an earlier `apply`.
    public var skipped: [String] = []
    /// Why nothing more was applied; nil when every file in order was taken.
    public var refusal: String?
    public var state: MirrorDatabase.State?

    public var exitCode: ExitCode { refusal == nil && verification.passed ? .ok : .dataError }

    public var text: String {
        var text = verification.text
        for name in applied { text += "\(name): applied\n" }
        if !skipped.isEmpty { text += "\(skipped.count) file(s) already applied earlier, skipped\n" }
        if let refusal { text += "REFUSED: \(refusal)\n" }
        if let state { text += "mirror holds \(state.subscriber) up to sequence \(state.lastSequence) (\(state.lastFile))\n" }
        return text
    }
}
