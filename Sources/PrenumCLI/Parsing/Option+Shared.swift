import PrenumCore

/// Options several commands take, declared once with their default and help.
extension Option where Value == String {
    /// The configuration file, defaulting as the SPEC says.
    static var config: Option { Option(wrappedValue: "Config/prenum.json", valueName: "F", help: "configuration file") }
}

extension Option where Value == CalendarDate? {
    /// The business date of `run` and `check`.
    static var businessDate: Option {
        Option(valueName: "D", help: "business date YYYY-MM-DD", default: "today in the configured time zone")
    }
}

extension Option where Value == String {
    /// The subscriber a command acts on.
    static var subscriber: Option { Option(valueName: "S", help: "subscriber id") }
}
