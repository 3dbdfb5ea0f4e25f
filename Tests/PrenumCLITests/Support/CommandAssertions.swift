import PrenumCore
import XCTest

@testable import PrenumCLI

/// Parses `arguments` as `command` would be, validation included, and hands the parsed value
/// to `check`; fails the test when the parser refuses them.
func AssertParse<C: Command>(
    _ command: C.Type, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line,
    _ check: (C) throws -> Void = { _ in }
) {
    do {
        try check(try C.parse(arguments))
    } catch {
        XCTFail("\(C.words) \(arguments) was refused: \(error)", file: file, line: line)
    }
}

/// Expects the parser (or validation) to refuse `arguments` with `exitCode` and a message that
/// holds every one of `message`, before anything is run.
func AssertParseFails<C: Command>(
    _ command: C.Type, _ arguments: [String], exitCode: ExitCode = .usage, message: String...,
    file: StaticString = #filePath, line: UInt = #line
) {
    do {
        _ = try C.parse(arguments)
        XCTFail("\(C.words) \(arguments) was accepted", file: file, line: line)
    } catch let failure as any PrenumFailure {
        XCTAssertEqual(failure.exitCode, exitCode, failure.description, file: file, line: line)
        for part in message {
            XCTAssertTrue(failure.description.contains(part), "'\(part)' not in: \(failure.description)", file: file, line: line)
        }
    } catch {
        XCTFail("\(C.words) \(arguments) threw \(error), not a PrenumFailure", file: file, line: line)
    }
}

/// The command's help lists every declared option, with its value name, its default or
/// "(required)", and the usage line names each one.
func AssertHelp<C: Command>(_ command: C.Type, file: StaticString = #filePath, line: UInt = #line) {
    let help = C.help
    let lines = help.split(separator: "\n").map(String.init)
    XCTAssertTrue(help.hasPrefix(C.abstract), file: file, line: line)
    XCTAssertTrue(lines.contains("Usage: \(C.usage)"), help, file: file, line: line)
    XCTAssertTrue(lines.contains { $0.hasPrefix("  --help ") }, help, file: file, line: line)
    for option in C.declaredOptions {
        let declaration = option.declaration
        guard let row = lines.first(where: { $0.hasPrefix("  \(option.label) ") }) else {
            XCTFail("\(option.label) missing from the help of \(C.words)", file: file, line: line)
            continue
        }
        XCTAssertTrue(row.contains(declaration.help), row, file: file, line: line)
        if let defaultDescription = declaration.defaultDescription {
            XCTAssertTrue(row.hasSuffix("(default: \(defaultDescription))"), row, file: file, line: line)
        }
        XCTAssertEqual(row.hasSuffix("(required)"), declaration.isRequired, row, file: file, line: line)
        XCTAssertTrue(C.usage.contains(option.label), C.usage, file: file, line: line)
    }
}
