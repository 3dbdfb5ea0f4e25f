import Foundation

/// What one archived delivery file says about one person, read as a stream and left as soon
/// as the person's place in the file is behind (persons and `unsubscribed` elements are each
/// in ascending personnummer order).
enum ArchivedDelivery {
    struct Extract {
        var records: [DeliveredRecord] = []
        var unsubscribed = false
    }

    private struct PastThePerson: Error {}

    static func path(archiveRoot: String, subscriber: String, fileName: String) -> String {
        ((archiveRoot as NSString).appendingPathComponent(subscriber) as NSString).appendingPathComponent(fileName)
    }

    /// The person's records and `unsubscribed` element in the archived file. A missing or
    /// unreadable file is an error, never an empty answer: the answer must be complete.
    static func extract(path: String, pnr: String) throws -> Extract {
        guard FileManager.default.fileExists(atPath: path) else {
            throw OperationFailure(.noInput, "archived delivery file \(path), named by the disclosure index, is missing; restore the archive")
        }
        var extract = Extract()
        var sawPerson = false
        var handler = DeliveryFileReader.Handler()
        handler.record = { record in
            if record.pnr == pnr {
                sawPerson = true
                extract.records.append(record)
            } else if sawPerson && record.pnr > pnr {
                throw PastThePerson()
            }
        }
        handler.unsubscribed = { other in
            if other == pnr { extract.unsubscribed = true }
            if other >= pnr { throw PastThePerson() }
        }
        do {
            let content = try DeliveryFileReader.read(path: path, handler: handler)
            guard content.problems.isEmpty else {
                throw OperationFailure(.dataError, "archived delivery file \(path) cannot be read: \(content.problems.joined(separator: "; "))")
            }
        } catch is PastThePerson {}
        return extract
    }
}
