/// What help, the manual page and the parser know of one option, whatever its value type.
struct OptionDeclaration: Sendable {
    /// Long name without dashes; nil: the property's name in kebab case (`metricsFile` is `--metrics-file`).
    let name: String?
    /// Placeholder for the value (`F`, `D`); nil for a flag.
    let valueName: String?
    let help: String
    /// Shown in help as the default. For an option with an initial value it is that value, so
    /// the default is written once.
    let defaultDescription: String?
    let isRequired: Bool
}
