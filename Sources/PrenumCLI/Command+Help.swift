import Foundation

extension Command {
    static var usage: String {
        var line = "prenum " + words.joined(separator: " ")
        for option in declaredOptions {
            line += option.declaration.isRequired ? " \(option.label)" : " [\(option.label)]"
        }
        return line
    }

    /// `--help`: usage, discussion and one line per declared option with its default.
    static var help: String {
        var text = "\(abstract)\n\nUsage: \(usage)\n"
        if !discussion.isEmpty { text += "\n\(discussion)\n" }
        let rows = declaredOptions.map { ($0.label, optionHelp($0.declaration)) } + [("--help", "show this help")]
        let width = (rows.map(\.0.count).max() ?? 0) + 2
        text += "\nOptions:\n"
        for (label, help) in rows {
            text += "  " + label.padding(toLength: width, withPad: " ", startingAt: 0) + help + "\n"
        }
        return text
    }

    /// The option's help with its default or "(required)", as help and the manual page show it.
    static func optionHelp(_ declaration: OptionDeclaration, escape: (String) -> String = { $0 }) -> String {
        var help = escape(declaration.help)
        if let defaultDescription = declaration.defaultDescription { help += " (default: \(escape(defaultDescription)))" }
        if declaration.isRequired { help += " (required)" }
        return help
    }
}
