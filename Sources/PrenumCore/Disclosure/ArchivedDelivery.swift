import Foundation

/// What one archived delivery file says about one person. With the element's offset from the
/// disclosure index only that element is read; without it (an index rebuilt from the archive)
/// the file is streamed and left as soon as the person's place in it is behind (persons and
/// `unsubscribed` elements are each in ascending personnummer order).
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
    static func extract(path: String, pnr: String, offset: Int64? = nil) throws -> Extract {
        guard FileManager.default.fileExists(atPath: path) else {
            throw OperationFailure(
                .noInput, "archived delivery file \(path), named by the disclosure index, is missing; restore the archive")
        }
        if let offset, let fragment = try element(path: path, pnr: pnr, at: offset) {
            return try extract(pnr: pnr, path: path) { try DeliveryFileReader.read(data: fragment, handler: $0) }
        }
        return try extract(pnr: pnr, path: path) { try DeliveryFileReader.read(path: path, handler: $0) }
    }

    private static func extract(
        pnr: String, path: String,
        reading: (DeliveryFileReader.Handler) throws -> DeliveryFileContent
    ) throws -> Extract {
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
            let content = try reading(handler)
            guard content.problems.isEmpty else {
                throw OperationFailure(
                    .dataError, "archived delivery file \(path) cannot be read: \(content.problems.joined(separator: "; "))")
            }
        } catch is PastThePerson {}
        return extract
    }

    /// The file's declaration and `delivery` start tag (its first two lines, as Prenum writes
    /// them), the person's element at `offset`, and an empty trailer: a small document that
    /// says about the person what the file says. Nil when the bytes there are not that
    /// person's element, so the caller streams the file instead.
    static func element(path: String, pnr: String, at offset: Int64) throws -> Data? {
        guard offset >= 0, let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var head = Data()
        while head.lazy.filter({ $0 == 0x0A }).count < 2 {
            guard head.count < 1 << 20, let chunk = try handle.read(upToCount: 4096), !chunk.isEmpty else { return nil }
            head.append(chunk)
        }
        let lines = head.split(separator: 0x0A, maxSplits: 2, omittingEmptySubsequences: false)
        var fragment = Data(lines[0]) + Data([0x0A]) + Data(lines[1]) + Data([0x0A])

        try handle.seek(toOffset: UInt64(offset))
        let personStart = Data("  <person pnr=\"\(pnr)\">\n".utf8)
        let unsubscribed = Data("  <unsubscribed pnr=\"\(pnr)\"/>\n".utf8)
        let personEnd = Data("\n  </person>\n".utf8)
        var element = Data()
        while element.count < personStart.count {
            guard let chunk = try handle.read(upToCount: 4096), !chunk.isEmpty else { return nil }
            element.append(chunk)
        }
        if element.starts(with: unsubscribed) {
            element = element.prefix(unsubscribed.count)
        } else if element.starts(with: personStart) {
            var searched = 0
            while true {
                if let end = element.range(of: personEnd, in: max(0, searched - personEnd.count)..<element.count) {
                    element = element.prefix(end.upperBound)
                    break
                }
                searched = element.count
                guard let chunk = try handle.read(upToCount: 65_536), !chunk.isEmpty else { return nil }
                element.append(chunk)
            }
        } else {
            return nil
        }
        fragment.append(element)
        // A format-3 trailer must carry a count and a fingerprint; they say nothing of the person.
        let carriesFingerprint = Data(lines[1]).range(of: Data("formatVersion=\"3\"".utf8)) != nil
        let trailer =
            carriesFingerprint ? "  <trailer visible=\"0\" fingerprint=\"\(String(repeating: "0", count: 64))\"/>\n" : "  <trailer/>\n"
        fragment.append(Data((trailer + "</delivery>\n").utf8))
        return fragment
    }
}
