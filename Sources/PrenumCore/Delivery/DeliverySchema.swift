import Foundation

/// The XSDs shipped with Prenum (and given to recipients), one per supported format version.
public enum DeliverySchema {
    public static let supportedFormatVersions = [1, 2]

    /// Path of `delivery-v<N>.xsd` in the PrenumCore resource bundle, for `xmllint --schema`;
    /// nil for an unsupported version.
    ///
    /// The bundle (`Prenum_PrenumCore.resources`) must be installed next to the `prenum`
    /// executable; SwiftPM's accessor stops the process when it is missing.
    public static func xsdPath(formatVersion: Int) -> String? {
        guard supportedFormatVersions.contains(formatVersion) else { return nil }
        return Bundle.module.path(forResource: "delivery-v\(formatVersion)", ofType: "xsd", inDirectory: "Schemas")
    }
}
