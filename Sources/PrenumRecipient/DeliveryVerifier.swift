import Foundation
import PrenumCore
import PrenumCrypto

/// `prenum verify`: every check a recipient should make before trusting a folder of files —
/// signature, key, schema, the rules the schema cannot state, trailer counts, the name, and
/// the chain of sequences and hashes per subscriber.
public struct DeliveryVerifier: Sendable {
    public let keys: PublicKeyRing
    public let schemas: SchemaValidator

    public init(keys: PublicKeyRing, schemas: SchemaValidator) {
        self.keys = keys
        self.schemas = schemas
    }

    /// Checks every `*.xml` file directly in `directory` (other files are ignored). A missing
    /// folder is exit 66; a bad file is a failed verdict, not a thrown error.
    public func verify(directory: String) throws -> VerificationReport {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isFolder), isFolder.boolValue else {
            throw OperationFailure(.noInput, "folder \(directory) does not exist")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
        var verdicts = try names.map { try check(name: $0, in: directory) }
        verdicts.sort { a, b in
            switch (a.fileName, b.fileName) {
            case (let x?, let y?): return (x.subscriberID, x.sequence, a.name) < (y.subscriberID, y.sequence, b.name)
            case (nil, nil): return a.name < b.name
            case (nil, _): return false
            case (_, nil): return true
            }
        }
        Self.checkChains(&verdicts)
        return VerificationReport(directory: directory, files: verdicts)
    }

    /// The checks that need only the file itself and its signature.
    func check(name: String, in directory: String) throws -> FileVerdict {
        let path = (directory as NSString).appendingPathComponent(name)
        var verdict = FileVerdict(name: name, path: path, fileName: DeliveryFileName(parsing: name))
        guard let fileName = verdict.fileName else {
            verdict.problems.append("not a delivery file name (<subscriber>-<8-digit sequence>-<YYYYMMDD>-<DELTA|FULL>.xml)")
            return verdict
        }
        verdict.sha256 = try SHA256Digest.hex(ofFile: path)
        let content = try DeliveryFileReader.read(path: path)
        verdict.content = content
        let header = content.header

        verdict.problems += signatureProblems(path: path, keyID: header["keyId"])
        if let version = header["formatVersion"].flatMap(Int.init) {
            verdict.problems += try schemas.problems(file: path, formatVersion: version)
        } else if !header.isEmpty {
            verdict.problems.append("header has no valid formatVersion")
        }
        verdict.problems += content.problems
        if let trailer = content.trailer {
            for (attribute, counted) in [("persons", content.persons), ("records", content.records), ("unsubscribed", content.unsubscribed)]
            where trailer[attribute] != String(counted) {
                verdict.problems.append("trailer \(attribute)=\(trailer[attribute] ?? "missing") but the file holds \(counted)")
            }
        }
        if !header.isEmpty {
            let expected = [
                ("subscriber", fileName.subscriberID), ("sequence", String(fileName.sequence)),
                ("businessDate", fileName.businessDate.description), ("kind", fileName.kind.rawValue)
            ]
            for (attribute, value) in expected where header[attribute] != value {
                verdict.problems.append("header \(attribute)=\(header[attribute] ?? "missing") does not match the file name (\(value))")
            }
            if header["previousSequence"] != String(fileName.sequence - 1) {
                verdict.problems.append(
                    "header previousSequence=\(header["previousSequence"] ?? "missing"), expected \(fileName.sequence - 1)")
            }
        }
        return verdict
    }

    private func signatureProblems(path: String, keyID: String?) -> [String] {
        let signaturePath = path + ".sig"
        guard let signature = FileManager.default.contents(atPath: signaturePath) else {
            return ["signature file \((signaturePath as NSString).lastPathComponent) missing"]
        }
        guard signature.count == 64 else { return ["signature file holds \(signature.count) bytes, not 64"] }
        switch keys.key(for: keyID) {
        case .failure(let problem):
            return [problem.description]
        case .success(let key):
            do {
                return try key.verifyFile(path: path, signature: [UInt8](signature))
                    ? [] : ["bad signature: the file is not what key \(key.keyID) signed"]
            } catch {
                return ["cannot read for signature check: \(error)"]
            }
        }
    }

    /// Sequences per subscriber rise by one from the lowest present, each file names the one
    /// before by number and hash. A FULL file resets the recipient's copy, not the chain.
    static func checkChains(_ verdicts: inout [FileVerdict]) {
        var previousIndex: Int?
        for index in verdicts.indices {
            guard let name = verdicts[index].fileName else { continue }
            defer { previousIndex = index }
            let header = verdicts[index].content?.header ?? [:]
            if name.sequence == 1, let hash = header["previousHash"], hash != DeliveryHeader.firstPreviousHash {
                verdicts[index].problems.append("sequence 1 must have previousHash of 64 zeros")
            }
            guard let previous = previousIndex, let previousName = verdicts[previous].fileName,
                previousName.subscriberID == name.subscriberID
            else { continue }
            let previousFile = verdicts[previous].name
            if previousName.sequence == name.sequence {
                verdicts[index].problems.append("sequence \(name.sequence) repeated: also in \(previousFile)")
                verdicts[previous].problems.append("sequence \(name.sequence) repeated: also in \(verdicts[index].name)")
            } else if name.sequence != previousName.sequence + 1 {
                let missing =
                    name.sequence - previousName.sequence == 2
                    ? "sequence \(previousName.sequence + 1) is missing"
                    : "sequences \(previousName.sequence + 1)-\(name.sequence - 1) are missing"
                verdicts[index].problems.append("gap in the chain: \(missing) after \(previousFile)")
            } else if let hash = header["previousHash"], let previousHash = verdicts[previous].sha256, hash != previousHash {
                verdicts[index].problems.append("previousHash does not match the SHA-256 of \(previousFile): substituted or altered file")
            }
        }
    }
}
