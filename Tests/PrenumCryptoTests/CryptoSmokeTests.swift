import XCTest
@testable import PrenumCrypto

final class CryptoSmokeTests: XCTestCase {
    func testModuleLinks() {
        XCTAssertTrue(true)
    }
}
