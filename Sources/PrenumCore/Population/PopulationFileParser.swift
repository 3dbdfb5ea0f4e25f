import Foundation
import PrenumSystem

/// Reads a population file (SPEC section 3) as a stream of lines, in bounded memory however
/// large the file: a chunk and at most one line of 1,000 bytes are held at a time.
///
/// Accepts a UTF-8 byte-order mark at the very start and CRLF line ends, because both are what
/// spreadsheet exports commonly produce and neither changes the meaning of a line.
public struct PopulationFileParser: Sendable {
    public static let header = "action;pnr;consent;from"
    static let maximumLineBytes = 1_000
    static let chunkBytes = 256 * 1024

    /// What one line turned out to be.
    public enum Item: Equatable, Sendable {
        case line(PopulationLine)
        case problem(PopulationLineProblem)
    }

    /// What a whole pass saw.
    public struct Totals: Equatable, Sendable {
        /// Lines after the header.
        public var dataLines = 0
        public var badLines = 0
        public var bytes = 0
    }

    /// Purpose of the subscriber whose file this is: it decides whether ADD needs consent.
    public let purpose: Purpose

    public init(purpose: Purpose) {
        self.purpose = purpose
    }

    /// Parses from an open file descriptor to its end. `observe` sees every byte read, in
    /// order, so the caller can hash exactly what was parsed; `body` gets every line after
    /// the header and every problem (a bad header included).
    public func parse(
        fileDescriptor: Int32, path: String,
        observe: (UnsafeRawBufferPointer) -> Void,
        body: (Item) throws -> Void
    ) throws -> Totals {
        var splitter = LineSplitter()
        var totals = Totals()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkBytes, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = SystemCall.read(fileDescriptor, into: buffer)
            if count < 0 {
                throw OperationFailure(.dataError, "cannot read population file \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            observe(chunk)
            totals.bytes += count
            try splitter.consume(chunk) { try handle($0, &totals, body) }
        }
        try finish(&splitter, &totals, body)
        return totals
    }

    /// Parses bytes in memory (tests, small inputs).
    public func parse(bytes: [UInt8], body: (Item) throws -> Void) throws -> Totals {
        var splitter = LineSplitter()
        var totals = Totals(bytes: bytes.count)
        try bytes.withUnsafeBytes { chunk in
            try splitter.consume(chunk) { try handle($0, &totals, body) }
        }
        try finish(&splitter, &totals, body)
        return totals
    }

    /// The last line without a line end, and the empty file, which has no header to check.
    private func finish(_ splitter: inout LineSplitter, _ totals: inout Totals, _ body: (Item) throws -> Void) throws {
        try splitter.finish { try handle($0, &totals, body) }
        if splitter.lineCount == 0 {
            totals.badLines += 1
            try body(.problem(PopulationLineProblem(lineNumber: 1, reason: .emptyFile)))
        }
    }

    private func handle(_ raw: RawLine, _ totals: inout Totals, _ body: (Item) throws -> Void) throws {
        if raw.number > 1 { totals.dataLines += 1 }
        guard let item = classify(raw) else { return }
        if case .problem = item { totals.badLines += 1 }
        try body(item)
    }

    /// Nil for a good header; otherwise the line or its problem.
    private func classify(_ raw: RawLine) -> Item? {
        func problem(_ reason: PopulationLineProblem.Reason) -> Item {
            .problem(PopulationLineProblem(lineNumber: raw.number, reason: reason))
        }
        if raw.length > Self.maximumLineBytes { return problem(.tooLong(bytes: raw.length)) }
        var bytes = raw.bytes[...]
        if raw.number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if !bytes.allSatisfy({ $0 < 0x80 }), String(validating: bytes, as: UTF8.self) == nil {
            return problem(.invalidUTF8)
        }
        if raw.number == 1 {
            return bytes.elementsEqual(Self.header.utf8) ? nil : problem(.header)
        }
        switch parseDataLine(bytes, number: raw.number) {
        case .success(let line): return .line(line)
        case .failure(let reason): return problem(reason)
        }
    }

    private func parseDataLine(_ bytes: ArraySlice<UInt8>, number: Int) -> Result<PopulationLine, PopulationLineProblem.Reason> {
        if bytes.isEmpty { return .failure(.emptyLine) }
        let fields = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        guard fields.count == 4 else { return .failure(.fieldCount(fields.count)) }
        let action: PopulationLine.Action
        switch String(decoding: fields[0], as: UTF8.self) {
        case "ADD": action = .add
        case "REMOVE": action = .remove
        default: return .failure(.action)
        }
        let pnrText = String(decoding: fields[1], as: UTF8.self)
        let pnr: String
        switch Personnummer.validate(pnrText) {
        case .success(let valid): pnr = valid.digits
        case .failure(let problem): return .failure(.personnummer(problem))
        }
        let consent: Bool
        switch fields[2].count {
        case 0: consent = false
        case 1 where fields[2].first == UInt8(ascii: "Y"): consent = true
        default: return .failure(.consentValue)
        }
        var fromDate: CalendarDate?
        if !fields[3].isEmpty {
            guard let date = CalendarDate(String(decoding: fields[3], as: UTF8.self)) else { return .failure(.fromDate) }
            fromDate = date
        }
        if action == .add, !consent, purpose.requiresConsent { return .failure(.consentMissing(purpose)) }
        return .success(PopulationLine(lineNumber: number, action: action, pnr: pnr, consent: consent, fromDate: fromDate))
    }

    /// One line as split: its bytes (without the line end; empty when too long) and its full length.
    struct RawLine {
        let number: Int
        let bytes: [UInt8]
        let length: Int
    }

    /// Splits a byte stream on `\n`, dropping one `\r` before it, and keeps at most
    /// `maximumLineBytes` + 1 bytes of a line: a longer line is only measured.
    struct LineSplitter {
        private var current: [UInt8] = []
        private var length = 0
        private var pendingBytes = false
        private var lastByte: UInt8 = 0
        private(set) var lineCount = 0

        init() {
            current.reserveCapacity(PopulationFileParser.maximumLineBytes + 2)
        }

        mutating func consume(_ chunk: UnsafeRawBufferPointer, _ emit: (RawLine) throws -> Void) throws {
            var start = 0
            while start < chunk.count {
                let rest = UnsafeRawBufferPointer(rebasing: chunk[start...])
                if let offset = rest.firstIndex(of: UInt8(ascii: "\n")) {
                    append(UnsafeRawBufferPointer(rebasing: rest[..<offset]))
                    try emitLine(emit)
                    start += offset + 1
                } else {
                    append(rest)
                    start = chunk.count
                }
            }
        }

        /// Emits a last line that had no `\n`.
        mutating func finish(_ emit: (RawLine) throws -> Void) throws {
            if pendingBytes { try emitLine(emit) }
        }

        private mutating func append(_ bytes: UnsafeRawBufferPointer) {
            guard bytes.count > 0 else { return }
            pendingBytes = true
            length += bytes.count
            lastByte = bytes[bytes.count - 1]
            let room = PopulationFileParser.maximumLineBytes + 1 - current.count
            if room > 0 { current.append(contentsOf: bytes.prefix(room)) }
        }

        private mutating func emitLine(_ emit: (RawLine) throws -> Void) throws {
            lineCount += 1
            var measured = length
            if lastByte == UInt8(ascii: "\r") {
                measured -= 1
                if current.count == length { current.removeLast() }
            }
            let line = RawLine(number: lineCount, bytes: measured > PopulationFileParser.maximumLineBytes ? [] : current, length: measured)
            current.removeAll(keepingCapacity: true)
            length = 0
            lastByte = 0
            pendingBytes = false
            try emit(line)
        }
    }
}
