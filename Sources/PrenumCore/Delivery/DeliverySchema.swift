import Foundation

/// The XSDs shipped with Prenum (and given to recipients), one per supported format version.
public enum DeliverySchema {

    /// `PRENUM_SCHEMA_DIR` names a folder holding `delivery-v<N>.xsd`, for installations that
    /// keep the schemas somewhere other than beside the executable.
    public static let folderVariable = "PRENUM_SCHEMA_DIR"

    /// Path of `delivery-v<N>.xsd`, for `xmllint --schema`; nil when no copy is found (`searchedFolders` says where it looked).
    ///
    /// SwiftPM's `Bundle.module` stops the process when the resource bundle
    /// (`Prenum_PrenumCore.resources`) is not installed next to the executable, so the bundle
    /// is looked for here by hand and a missing schema is an error the caller can report.
    public static func xsdPath(formatVersion: FormatVersion, schemaFolder: String? = nil) -> String? {
        let name = formatVersion.schemaFileName
        for folder in searchedFolders(schemaFolder: schemaFolder) {
            let path = (folder as NSString).appendingPathComponent(name)
            if FileManager.default.isReadableFile(atPath: path) { return path }
        }
        return nil
    }

    /// Where the schemas are looked for, in order: `schemaFolder` (`PRENUM_SCHEMA_DIR`), the resource bundle
    /// beside the main bundle and beside the (symlink-resolved) executable, `../share/prenum/schemas`
    /// from the executable (the Debian package), and the source tree
    /// this library was built from.
    public static func searchedFolders(schemaFolder: String? = nil) -> [String] {
        var folders: [String] = []
        if let schemaFolder, !schemaFolder.isEmpty { folders.append(schemaFolder) }
        let bundleName = "Prenum_PrenumCore.resources"
        folders.append(Bundle.main.bundleURL.appendingPathComponent(bundleName).appendingPathComponent("Schemas").path)
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            folders.append(
                executable.deletingLastPathComponent().appendingPathComponent(bundleName)
                    .appendingPathComponent("Schemas").path)
            // An installed package: /usr/bin/prenum and /usr/share/prenum/schemas.
            folders.append(
                executable.deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("share/prenum/schemas").path)
        }
        folders.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Schemas").path)
        var seen = Set<String>()
        return folders.filter { seen.insert($0).inserted }
    }
}
