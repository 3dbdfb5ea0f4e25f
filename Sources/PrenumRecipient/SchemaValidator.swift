import Foundation
import PrenumCore

/// Validates delivery files against the shipped XSDs with `xmllint`, the stock tool recipients
/// use too, in streaming mode so that a huge FULL file is not built as a tree in memory.
public struct SchemaValidator: Sendable {
    public let xmllint: String
    /// A folder searched first for the XSDs (`PRENUM_SCHEMA_DIR`); nil: where they are installed.
    public let schemaFolder: String?

    public init(xmllint: String, schemaFolder: String? = nil) {
        self.xmllint = xmllint
        self.schemaFolder = schemaFolder
    }

    /// Finds `xmllint` on `PATH` (exit 66 when it is not installed).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        schemaFolder: String? = nil
    ) throws -> SchemaValidator {
        let folders = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        for folder in folders {
            let candidate = (folder as NSString).appendingPathComponent("xmllint")
            if FileManager.default.isExecutableFile(atPath: candidate) {
                return SchemaValidator(xmllint: candidate, schemaFolder: schemaFolder)
            }
        }
        throw OperationFailure(.noInput, "xmllint not found on PATH (install libxml2-utils); it is needed to check files against the XSD")
    }

    /// Problems with the file against the XSD of `formatVersion`; empty when it validates.
    public func problems(file path: String, formatVersion number: Int) throws -> [String] {
        guard let formatVersion = FormatVersion(number: number) else {
            return [
                "formatVersion \(number) is not supported (supported: \(FormatVersion.allCases.map(\.description).joined(separator: ", ")))"
            ]
        }
        guard let schema = DeliverySchema.xsdPath(formatVersion: formatVersion, schemaFolder: schemaFolder) else {
            throw OperationFailure(
                .noInput,
                "schema \(formatVersion.schemaFileName) not found; looked in \(DeliverySchema.searchedFolders(schemaFolder: schemaFolder).joined(separator: ", ")); set \(DeliverySchema.folderVariable) to the folder holding it"
            )
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: xmllint)
        process.arguments = ["--noout", "--nonet", "--stream", "--schema", schema, path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let output = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus != 0 else { return [] }
        // xmllint quotes offending values, which may be a personnummer; keep the first lines, masked.
        let lines = String(decoding: output.prefix(4096), as: UTF8.self).split(separator: "\n")
            .map { PersonnummerRedaction.redact(String($0)).replacingOccurrences(of: path, with: (path as NSString).lastPathComponent) }
            .filter { !$0.hasSuffix("fails to validate") && !$0.hasSuffix(" validates") }
        return [
            "not valid against \(formatVersion.schemaFileName): "
                + (lines.prefix(3).joined(separator: " | ").nilIfEmpty ?? "xmllint exit \(process.terminationStatus)")
        ]
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
