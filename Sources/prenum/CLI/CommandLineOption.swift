/// One declared option of a command. Help text and parsing both come from these
/// declarations, so `--help` cannot drift from what a command accepts.
struct CommandLineOption: Sendable {
    /// Long name without dashes: `config` for `--config`.
    let name: String
    /// Placeholder for the value (`F`, `D`); nil for a flag that takes no value.
    let valueName: String?
    let help: String
    /// Shown in help as the default; not applied by the parser.
    let defaultDescription: String?
    let isRequired: Bool

    static func value(_ name: String, _ valueName: String, help: String, default defaultDescription: String? = nil, required: Bool = false) -> CommandLineOption {
        CommandLineOption(name: name, valueName: valueName, help: help, defaultDescription: defaultDescription, isRequired: required)
    }

    static func flag(_ name: String, help: String) -> CommandLineOption {
        CommandLineOption(name: name, valueName: nil, help: help, defaultDescription: nil, isRequired: false)
    }

    static let config = CommandLineOption.value("config", "F", help: "configuration file", default: "Config/prenum.json")
    static let date = CommandLineOption.value("date", "D", help: "business date YYYY-MM-DD", default: "today in the configured time zone")
}
