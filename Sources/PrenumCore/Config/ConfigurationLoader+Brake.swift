extension ConfigurationLoader {
    static let brakeKeys = ["brakeRemovalPercent", "brakeMinimumRecords"]

    /// The optional keys `brakeRemovalPercent` and `brakeMinimumRecords` (docs/OPERATIONS.md).
    static func readBrake(_ root: [String: Any], reader: JSONFieldReader) -> MassRemovalBrake {
        var brake = MassRemovalBrake.standard
        if root["brakeRemovalPercent"] != nil, let value = reader.integer(root, "brakeRemovalPercent", at: "", required: false) {
            if MassRemovalBrake.percentRange.contains(value) {
                brake.removalPercent = value
            } else {
                reader.report("brakeRemovalPercent", expected: "a whole percentage in 1...100 (100: never hold)", found: "\(value)")
            }
        }
        if root["brakeMinimumRecords"] != nil, let value = reader.integer(root, "brakeMinimumRecords", at: "", required: false) {
            if MassRemovalBrake.minimumRange.contains(value) {
                brake.minimumRecords = value
            } else {
                reader.report("brakeMinimumRecords", expected: "a whole number of records, at least 1", found: "\(value)")
            }
        }
        return brake
    }
}
