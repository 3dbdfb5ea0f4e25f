import PrenumCore

/// libFuzzer entry: any bytes as a population file, under a purpose with and one without
/// consent. Every line must come out either as a valid line or as a problem with a reason;
/// the counts must agree; nothing may crash or throw.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    for purpose in [Purpose.coordination, .claims] {
        var lines = 0
        var problems = 0
        var lastNumber = 0
        let totals: PopulationFileParser.Totals
        do {
            totals = try PopulationFileParser(purpose: purpose).parse(bytes: bytes) { item in
                switch item {
                case .line(let line):
                    lines += 1
                    precondition(line.lineNumber > 1, "a data line before the header")
                    precondition(line.lineNumber > lastNumber, "lines out of order")
                    lastNumber = line.lineNumber
                    precondition(line.pnr.utf8.count == 12 && line.pnr.utf8.allSatisfy { $0 >= 48 && $0 <= 57 },
                                 "an accepted personnummer that is not 12 digits")
                    if case .failure = Personnummer.validate(line.pnr) { preconditionFailure("an accepted invalid personnummer") }
                    if line.action == .add, purpose.requiresConsent { precondition(line.consent, "ADD without required consent accepted") }
                case .problem(let problem):
                    problems += 1
                    precondition(problem.lineNumber >= 1, "a problem without a line number")
                    precondition(!problem.reason.description.isEmpty, "a problem without a reason")
                }
            }
        } catch {
            preconditionFailure("parse(bytes:) threw \(error)")
        }
        precondition(totals.badLines == problems, "badLines \(totals.badLines) but \(problems) problems reported")
        precondition(totals.bytes == size, "bytes \(totals.bytes) but the input has \(size)")
        precondition(lines + problems >= totals.dataLines || problems > 0, "a data line neither accepted nor rejected")
        precondition(lines <= totals.dataLines, "more lines accepted than there are")
    }
    return 0
}
