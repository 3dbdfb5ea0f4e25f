import PrenumCore

extension String: OptionValue {
    static var expected: String { "a text" }
    init?(optionText: String) { self = optionText }
}

extension UInt64: OptionValue {
    static var expected: String { "a whole number 0...\(UInt64.max)" }
    init?(optionText: String) { self.init(optionText) }
}

extension Int: OptionValue {
    static var expected: String { "a whole number" }
    init?(optionText: String) { self.init(optionText) }
}

extension CalendarDate: OptionValue {
    static var expected: String { "a date YYYY-MM-DD" }
    init?(optionText: String) { self.init(optionText) }
}

extension RecordKey: OptionValue {
    static var expected: String { "payment:ID or case:ID" }
    init?(optionText: String) {
        guard let key = Explanation.recordKey(optionText) else { return nil }
        self = key
    }
}

extension Personnummer: OptionValue {
    static var expected: String { "a personnummer, 12 digits" }
    init?(optionText: String) { self.init(optionText) }

    /// Never repeats the text: it may be a personnummer, and this goes to standard error.
    static func refusal(of text: String) -> String {
        switch validate(text) {
        case .success: return "is not a valid personnummer"
        case .failure(let problem): return "is not a valid personnummer (\(problem))"
        }
    }
}
