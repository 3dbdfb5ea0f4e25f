import PrenumCore

/// prenum(1), made from the same declarations as `--help` (`prenum --man`), so that the man
/// page the Debian package installs cannot drift from what the commands accept.
enum ManualPage {
    static func roff() -> String {
        var page = """
            .TH PRENUM 1 "" "prenum \(BuildInfo.version)" "Prenum manual"
            .SH NAME
            prenum \\- subscription batch processor for a social\\-insurance register
            .SH SYNOPSIS
            .B prenum
            .I COMMAND
            [\\fIOPTIONS\\fR]
            .br
            .B prenum \\-\\-version
            .SH DESCRIPTION
            Every night
            .B prenum run
            delivers to each subscriber one signed file with what changed in the benefit data it may
            see. Logs go to standard error as key=value lines that never hold a personnummer; summaries
            to standard output.
            .SH COMMANDS

            """
        for command in CommandRegistry.commands {
            page += ".SS \(escape(command.usage))\n\(escape(command.abstract)).\n"
            if !command.discussion.isEmpty {
                page +=
                    ".PP\n"
                    + escape(
                        command.discussion.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n"))
                    + "\n"
            }
            for option in command.declaredOptions {
                let label =
                    option.declaration.valueName.map { "\\-\\-\(escape(option.name)) \\fI\(escape($0))\\fR" }
                    ?? "\\-\\-\(escape(option.name))"
                page += ".TP\n\(label)\n\(command.optionHelp(option.declaration, escape: escape))\n"
            }
        }
        page += """
            .SH EXIT STATUS

            """
        for (code, summary) in ExitCode.overview {
            page += ".TP\n\(code)\n\(escape(summary))\n"
        }
        page += """
            .SH ENVIRONMENT
            .TP
            PRENUM_LOG_LEVEL
            debug, info (default), warning or error: the least level logged.
            .TP
            PRENUM_SCHEMA_DIR
            a folder holding delivery\\-v\\fIN\\fR.xsd, where the schemas are not installed.
            .SH FILES
            .TP
            /etc/prenum/prenum.json
            the configuration of the packaged service.
            .TP
            /var/lib/prenum
            state, inbox, outbox and archive of the packaged service.
            .SH SEE ALSO
            /usr/share/doc/prenum/OPERATIONS.md.gz

            """
        return page
    }

    /// Backslashes and a leading dot or quote would be read as roff requests.
    static func escape(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\e").replacingOccurrences(of: "-", with: "\\-")
        return escaped.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : String(line)
        }.joined(separator: "\n")
    }
}
