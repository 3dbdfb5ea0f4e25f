/// A type an option's text can be read as. The parser refuses a text that does not read with 64,
/// naming the option and what was expected, before a command sees it.
protocol OptionValue {
    /// What a good value looks like, for "--date must be a date YYYY-MM-DD, got '…'".
    static var expected: String { get }
    init?(optionText: String)
    /// The sentence after `--name` when `text` does not read.
    static func refusal(of text: String) -> String
}

extension OptionValue {
    static func refusal(of text: String) -> String { "must be \(expected), got '\(text)'" }
}
