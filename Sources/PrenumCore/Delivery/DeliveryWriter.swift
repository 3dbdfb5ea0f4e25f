import Glibc
import PrenumCrypto
import PrenumSystem

/// Writes one delivery file (SPEC section 4) as a stream: memory stays at one 64 KiB buffer
/// however many records go in, and the SHA-256 and length are known the moment the file is
/// closed, without reading it back.
///
/// The writer does not sort. The caller must give persons in ascending personnummer order,
/// inside a person its cases before its payments, each by ascending id, and all unsubscribed
/// persons (ascending) after the last person. The writer checks this cheaply and throws
/// `DeliveryWriterMisuse` when it is broken, since an out-of-order file would be neither valid
/// for recipients nor byte-identical when made again.
///
/// It also guarantees what the XSD cannot express: a `REMOVED` record carries only `id` and
/// `change`, a FULL file holds only `NEW` records and no `unsubscribed`, and a person with no
/// records is not written at all.
///
/// Output is deterministic: fixed two-space indentation, one element per line, `\n` line ends,
/// attributes in the SPEC's order. The file is created with `O_EXCL` and mode 0640; call
/// `finish()` to complete it or `abandon()` to remove it.
final class DeliveryWriter {
    let path: String
    let header: DeliveryHeader

    private static let flushThreshold = 64 * 1024

    private enum Phase { case persons, unsubscribed, finished, failed, abandoned }

    private var descriptor: Int32
    private var out = XMLBytes(capacity: flushThreshold + 4096)
    private var digest = SHA256Digest()
    private var byteCount: Int64 = 0
    private var phase = Phase.persons
    private let formatVersion: FormatVersion
    private let isFull: Bool

    private var personOpen = false
    private var personStarted = false
    private var currentPnr = ""
    private var lastPnr: String?
    private var lastUnsubscribedPnr: String?
    private var lastKey: RecordKey?

    private var persons = 0
    private var records = 0
    private var unsubscribed = 0

    /// Where in the file the last `person` or `unsubscribed` element written begins: the
    /// disclosure index keeps it, so a query reads only that element of an archived file.
    public private(set) var lastElementOffset: Int64 = 0

    /// Creates the file (it must not exist) and writes the XML declaration and the
    /// `<delivery>` start tag.
    init(path: String, header: DeliveryHeader) throws {
        try header.validate()
        self.path = path
        self.header = header
        self.formatVersion = header.formatVersion
        self.isFull = header.kind == .full
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw OperationFailure(.cannotCreate, "cannot create delivery file '\(path)': \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        // The umask must not decide who may read a delivery.
        guard fchmod(fd, 0o640) == 0 else {
            let failure = ioFailure("set mode 0640 on")
            abandon()
            throw failure
        }
        writeStartTag()
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    private func writeStartTag() {
        let h = header
        out.literal("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<delivery")
        out.attribute("xmlns", h.formatVersion.namespace)
        out.attribute("formatVersion", integer: Int64(h.formatVersion.number))
        out.attribute("subscriber", h.subscriberID)
        out.attribute("orgNumber", h.orgNumber)
        out.attribute("sequence", integer: h.sequence)
        out.attribute("previousSequence", integer: h.previousSequence)
        out.attribute("kind", h.kind.rawValue)
        out.attribute("businessDate", h.businessDate.description)
        out.attribute("createdAt", h.createdAt)
        out.attribute("keyId", h.keyID)
        out.attribute("windowFrom", h.windowFrom.description)
        out.attribute("previousHash", h.previousHash)
        out.attribute("purpose", h.purpose?.rawValue)
        out.attribute("legalBasis", h.legalBasis)
        out.literal(">\n")
    }

    // MARK: - Persons and records

    /// Opens a person. Nothing is written until the person's first record, so a person whose
    /// changes all turn out empty leaves no trace.
    func beginPerson(pnr: String) throws {
        try require(phase == .persons, "beginPerson after unsubscribed elements or after the file was closed")
        try require(!personOpen, "beginPerson while another person is open")
        try require(Self.isPnr(pnr), "personnummer must be 12 digits")
        if let lastPnr { try require(lastPnr < pnr, "persons must come in strictly ascending personnummer order") }
        currentPnr = pnr
        personOpen = true
        personStarted = false
        lastKey = nil
    }

    /// Writes a `NEW` or `CHANGED` record with every field the format version delivers.
    func write(change: RecordChangeKind, version: RecordVersion) throws {
        try require(personOpen, "record written outside a person")
        try require(change != .removed, "REMOVED records go through writeRemoved(key:)")
        try require(!isFull || change == .new, "a FULL file holds only NEW records")
        try require(version.pnr == currentPnr, "record belongs to another person than the open one")
        // A value the XSD refuses must never reach a signed file.
        if let problem = version.undeliverableValue { throw fail(problem) }
        try advance(to: version.key)
        switch version.body {
        case .benefitCase(let fields):
            out.literal("    <case")
            out.attribute("id", integer: version.id)
            changeAttribute(change)
            out.attribute("benefit", version.benefit)
            out.attribute("decision", fields.decision)
            out.attribute("openedOn", fields.openedOn)
            out.attribute("closedOn", fields.closedOn)
            out.attribute("extentPct", integer: fields.extentPct)
            out.attribute("dailyAmount", amountOre: fields.dailyAmountOre)
            out.literal("/>\n")
        case .payment(let fields):
            out.literal("    <payment")
            out.attribute("id", integer: version.id)
            changeAttribute(change)
            out.attribute("benefit", version.benefit)
            if formatVersion.deliversPaymentDetails {
                out.attribute("company", fields.company)
                out.attribute("status", fields.status)
            }
            out.attribute("periodFrom", fields.periodFrom)
            out.attribute("periodTo", fields.periodTo)
            out.attribute("paymentDate", fields.paymentDate)
            out.attribute("gross", amountOre: fields.grossOre)
            out.attribute("tax", amountOre: fields.taxOre)
            if formatVersion.deliversRegisteredAt {
                guard let registeredAt = fields.registeredAt else {
                    throw fail(
                        DeliveryWriterMisuse(
                            "payment \(version.id) has no registeredAt, which format \(formatVersion) carries; the next run's snapshot fills it in"
                        ))
                }
                out.attribute("registeredAt", registeredAt)
            }
            if formatVersion.deliversPaymentDetails && !fields.deductions.isEmpty {
                out.literal(">\n")
                for deduction in fields.deductions {
                    out.literal("      <deduction")
                    out.attribute("kind", deduction.kind)
                    out.attribute("amount", amountOre: deduction.amountOre)
                    out.literal("/>\n")
                }
                out.literal("    </payment>\n")
            } else {
                out.literal("/>\n")
            }
        }
        records += 1
        try flushIfFull()
    }

    /// Writes `<case id=".." change="REMOVED"/>` or the payment equivalent.
    func writeRemoved(key: RecordKey) throws {
        try require(personOpen, "record written outside a person")
        try require(!isFull, "a FULL file holds only NEW records")
        try advance(to: key)
        switch key.entity {
        case .payment: out.literal("    <payment")
        case .benefitCase: out.literal("    <case")
        }
        out.attribute("id", integer: key.id)
        out.literal(" change=\"REMOVED\"/>\n")
        records += 1
        try flushIfFull()
    }

    /// Closes the open person; true when the file names them (they had a record), which is
    /// what the disclosure index records.
    @discardableResult
    func endPerson() throws -> Bool {
        try require(personOpen, "endPerson without beginPerson")
        if personStarted { out.literal("  </person>\n") }
        personOpen = false
        lastPnr = currentPnr
        try flushIfFull()
        return personStarted
    }

    /// Writes `<unsubscribed pnr=".."/>` for a person who left the population. All of these
    /// come after the last person, in ascending order; none in a FULL file.
    func writeUnsubscribed(pnr: String) throws {
        try require(phase == .persons || phase == .unsubscribed, "writeUnsubscribed after the file was closed")
        try require(!personOpen, "writeUnsubscribed while a person is open")
        try require(!isFull, "a FULL file has no unsubscribed elements")
        try require(Self.isPnr(pnr), "personnummer must be 12 digits")
        if let lastUnsubscribedPnr {
            try require(lastUnsubscribedPnr < pnr, "unsubscribed persons must come in strictly ascending personnummer order")
        }
        phase = .unsubscribed
        lastUnsubscribedPnr = pnr
        lastElementOffset = byteCount + Int64(out.bytes.count)
        out.literal("  <unsubscribed pnr=\"")
        out.trusted(pnr)
        out.literal("\"/>\n")
        unsubscribed += 1
        try flushIfFull()
    }

    // MARK: - Completion

    /// Writes the trailer and the end tag, then flushes, fsyncs and closes the file.
    /// - Parameter held: what the recipient holds after applying the file, which a format-3
    ///   trailer states (and only it); nil in earlier formats.
    func finish(held: MirrorFingerprint? = nil) throws -> DeliveryFileSummary {
        try require(phase == .persons || phase == .unsubscribed, "finish called twice or after a failure")
        try require(!personOpen, "finish while a person is open")
        try require(
            (held != nil) == formatVersion.carriesMirrorFingerprint,
            "the trailer's visible and fingerprint are given exactly for format 3")
        out.literal("  <trailer persons=\"")
        out.unsigned(UInt64(persons))
        out.literal("\" records=\"")
        out.unsigned(UInt64(records))
        out.literal("\" unsubscribed=\"")
        out.unsigned(UInt64(unsubscribed))
        if let held {
            try require(held.visible >= 0, "a negative visible count")
            out.literal("\" visible=\"")
            out.unsigned(UInt64(held.visible))
            out.literal("\" fingerprint=\"")
            out.trusted(held.sum.hex)
        }
        out.literal("\"/>\n</delivery>\n")
        try flush()
        if fsync(descriptor) != 0 { throw fail(ioFailure("fsync")) }
        let status = close(descriptor)
        descriptor = -1
        if status != 0 { throw fail(ioFailure("close")) }
        phase = .finished
        return DeliveryFileSummary(
            sha256: digest.finalizeHex(), byteCount: byteCount, persons: persons,
            records: records, unsubscribed: unsubscribed)
    }

    /// Closes and deletes the file: for a run that fails or is cancelled mid-file. Safe to
    /// call more than once; does nothing after `finish()`.
    func abandon() {
        guard phase != .finished && phase != .abandoned else { return }
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        unlink(path)
        phase = .abandoned
    }

    // MARK: - Helpers

    private func changeAttribute(_ change: RecordChangeKind) {
        switch change {
        case .new: out.literal(" change=\"NEW\"")
        case .changed: out.literal(" change=\"CHANGED\"")
        case .removed: out.literal(" change=\"REMOVED\"")
        }
    }

    /// Checks record order inside the person and writes the person's start tag before its
    /// first record.
    private func advance(to key: RecordKey) throws {
        if let lastKey { try require(lastKey < key, "records must come cases first, then payments, each by ascending id") }
        lastKey = key
        if !personStarted {
            personStarted = true
            persons += 1
            lastElementOffset = byteCount + Int64(out.bytes.count)
            out.literal("  <person pnr=\"")
            out.trusted(currentPnr)
            out.literal("\">\n")
        }
    }

    private func require(_ condition: Bool, _ reason: String) throws {
        guard condition else { throw fail(DeliveryWriterMisuse(reason)) }
    }

    /// Once anything went wrong the file cannot be trusted: later calls throw too.
    private func fail<Failure: Error>(_ error: Failure) -> Failure {
        if phase != .abandoned { phase = .failed }
        return error
    }

    @inline(__always)
    private func flushIfFull() throws {
        if out.bytes.count >= Self.flushThreshold { try flush() }
    }

    private func flush() throws {
        guard !out.bytes.isEmpty else { return }
        guard descriptor >= 0 else { throw fail(DeliveryWriterMisuse("write after the file was closed")) }
        let fd = descriptor
        let failure: SystemCallError? = out.bytes.withUnsafeBytes { buffer in
            digest.update(buffer)
            do throws(SystemCallError) {
                try SystemCall.writeAll(fd, buffer)
                return nil
            } catch {
                return error
            }
        }
        if let failure {
            errno = failure.code
            throw fail(ioFailure("write"))
        }
        byteCount += Int64(out.bytes.count)
        out.bytes.removeAll(keepingCapacity: true)
    }

    private func ioFailure(_ action: String) -> OperationFailure {
        OperationFailure(.cannotCreate, "cannot \(action) delivery file '\(path)': \(String(cString: strerror(errno)))")
    }

    private static func isPnr(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy(DeliveryHeader.isDigit)
    }
}
