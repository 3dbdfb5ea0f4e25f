import Foundation
import PrenumCore

/// `prenum verify --mirror`: whether an existing mirror holds what the last format-3 file of a
/// folder says its recipient holds after it, without applying anything.
public struct MirrorCheck: Sendable {
    /// What was compared, or why it could not be; `matches` false when the verify must fail.
    public let line: String
    public let matches: Bool

    public static func check(_ verification: VerificationReport, mirrorPath: String) throws -> MirrorCheck {
        guard FileManager.default.fileExists(atPath: mirrorPath) else {
            throw OperationFailure(.noInput, "mirror \(mirrorPath) does not exist")
        }
        let lastVersion3 = verification.files.last { verdict in
            verdict.passed && verdict.content.flatMap(MirrorDrift.expected) != nil
        }
        guard let file = lastVersion3, let name = file.fileName, let content = file.content,
            let expected = MirrorDrift.expected(content)
        else {
            return MirrorCheck(
                line: "mirror \(mirrorPath): no valid format-3 file in \(verification.directory) to check it against", matches: false)
        }
        let mirror = try MirrorDatabase(path: mirrorPath)
        guard let state = try mirror.state(), state.subscriber == name.subscriberID, state.lastSequence == name.sequence else {
            let at = try mirror.state().map { "\($0.subscriber) sequence \($0.lastSequence)" } ?? "empty"
            return MirrorCheck(
                line: "mirror \(mirrorPath) is at \(at), the last format-3 file is \(file.name): apply up to it first, then check",
                matches: false)
        }
        let found = try mirror.fingerprint()
        guard found == expected else {
            return MirrorCheck(line: MirrorDrift(file: file.name, expected: expected, found: found).description, matches: false)
        }
        return MirrorCheck(
            line: "mirror \(mirrorPath): matches \(file.name) (visible=\(found.visible) fingerprint=\(found.sum.hex))", matches: true)
    }
}
