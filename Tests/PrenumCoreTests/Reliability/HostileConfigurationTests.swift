import Foundation
import XCTest

@testable import PrenumCore

/// Found by the configuration fuzzer (scripts/fuzz.sh): an unknown key that is empty, or holds
/// a line break or other control characters, must still be named so an operator can find it,
/// and must not split the error message into lines that look like other problems.
final class HostileConfigurationTests: XCTestCase {
    func testOddUnknownKeysAreNamedReadably() throws {
        let folder = try TestFolder()
        var root = TestFolder.validRoot()
        root[""] = 1
        root["two\nlines"] = 2
        var categories = TestFolder.categories
        categories[""] = ["SJP"]
        let path = try folder.writeConfiguration(root, categories: categories)
        XCTAssertThrowsError(try ConfigurationLoader.load(path: path)) { error in
            guard let error = error as? ConfigurationError else { return XCTFail("\(error)") }
            XCTAssertEqual(error.problems.count, 3, error.description)
            for problem in error.problems {
                XCTAssertFalse(problem.field.isEmpty, "a problem without a field name: \(problem)")
                XCTAssertFalse(problem.field.contains("\n"), "a field name with a line break: \(problem)")
            }
            XCTAssertTrue(error.problems.contains { $0.field == "\"\"" && $0.file == path }, error.description)
            XCTAssertTrue(error.problems.contains { $0.field == "\"two\\nlines\"" }, error.description)
            XCTAssertEqual(error.description.split(separator: "\n").count, 4, error.description)
        }
    }
}
