import Foundation

extension ConfigurationLoader {
    /// Reads `categories.json`: exactly the five categories, each an array of distinct benefit
    /// codes. Returns what could be read, so subscribers are still checked against the rest.
    static func loadCategories(path: String, reader: JSONFieldReader, configReader: JSONFieldReader) -> [String: [String]] {
        guard let data = FileManager.default.contents(atPath: path), ConfigurationPath.entry(at: path) == .file else {
            configReader.report("categories", expected: "a readable categories file", found: "\(path), which \(readFailure(path))")
            return [:]
        }
        guard let root = parseObject(data, reader: reader) else { return [:] }
        let names = SubscriberCategory.allCases.map(\.rawValue)
        for key in root.keys.sorted() where !names.contains(key) {
            reader.report(
                JSONFieldReader.displayKey(key), expected: "one of the categories \(names.joined(separator: ", "))",
                found: "an unknown category")
        }
        var categories: [String: [String]] = [:]
        for name in names {
            guard let items = reader.array(root, name, at: "", required: true, of: "benefit codes") else { continue }
            var codes: [String] = []
            for (index, item) in items.enumerated() {
                let field = "\(name)[\(index)]"
                guard let code = item as? String, JSONFieldReader.kind(of: item) == .string, JSONFieldReader.isBenefitCode(code) else {
                    reader.report(field, expected: "a benefit code of 1 to 8 capital letters A-Z", value: item)
                    continue
                }
                if codes.contains(code) {
                    reader.report(field, expected: "each benefit code once", found: "\"\(code)\" again")
                    continue
                }
                codes.append(code)
            }
            categories[name] = codes
        }
        return categories
    }
}
