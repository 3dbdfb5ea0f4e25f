import Foundation

/// The receipt a subscriber finds in `<outbox>/receipts/` for every file it sent: whether the
/// file was applied and what it changed, so it never has to guess.
struct PopulationReceipt: Codable, Equatable, Sendable {
    /// The original of a duplicate: which earlier file carried the same bytes.
    struct AppliedAs: Codable, Equatable, Sendable {
        let file: String
        let receivedAt: String
    }

    let subscriber: String
    let file: String
    /// Empty when the file was refused without being read (a symbolic link, for instance).
    let sha256: String
    /// `accepted`, `rejected` or `duplicate`.
    let outcome: String
    let counts: PopulationCounts
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`.
    let processedAt: String
    /// For `rejected`: the report's file name in the inbox's rejected/ folder.
    let report: String?
    /// For `rejected` files refused as a whole: why.
    let reason: String?
    let appliedAs: AppliedAs?
    /// From 90 days before the subscriber's format version's support ends: the day it ends
    /// and the version to move to (SPEC section 4, "Format versions"). Left out otherwise.
    var formatNotice: String? = nil

    static let folderName = "receipts"
    static let suffix = ".receipt.json"

    /// The JSON bytes: keys sorted so equal receipts are equal files.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Receipts already written for a file name (`name.receipt.json`, `name.2.receipt.json`, ...).
    static func existing(for fileName: String, in folder: String) -> [PopulationReceipt] {
        var receipts: [PopulationReceipt] = []
        var number = 1
        while true {
            let path = folder + "/" + fileName + (number == 1 ? "" : ".\(number)") + suffix
            guard let data = FileManager.default.contents(atPath: path) else { return receipts }
            if let receipt = try? JSONDecoder().decode(PopulationReceipt.self, from: data) { receipts.append(receipt) }
            number += 1
        }
    }

    /// Writes the receipt under a name no earlier receipt uses, atomically.
    func write(in folder: String) throws -> String {
        try DurableFiles.makeFolder(folder)
        var number = 1
        var path = folder + "/" + file + Self.suffix
        while DurableFiles.exists(path) {
            number += 1
            path = folder + "/" + file + ".\(number)" + Self.suffix
        }
        try DurableFiles.writeAtomically(try encoded(), to: path)
        return path
    }
}
