import Foundation
import XCTest

@testable import PrenumCore

/// `Timestamp.format` computes the UTC stamp itself; Foundation's formatter is the other side.
final class TimestampTests: XCTestCase {
    func testTheStampIsFoundationsInternetDateTimeInUTC() throws {
        let reference = ISO8601DateFormatter()
        reference.timeZone = try XCTUnwrap(TimeZone(identifier: "UTC"))
        reference.formatOptions = [.withInternetDateTime]
        var random = SystemRandomNumberGenerator()
        let fixed: [TimeInterval] = [
            0, -1, -86_400, -86_401, 59.999, 951_782_400, 951_868_799.5, 1_709_164_800, 1_798_761_599, 4_102_444_800
        ]
        let drawn = (0..<2_000).map { _ in TimeInterval(Int64.random(in: -2_000_000_000...8_000_000_000, using: &random)) + 0.25 }
        for seconds in fixed + drawn {
            let date = Date(timeIntervalSince1970: seconds)
            XCTAssertEqual(Timestamp.format(date), reference.string(from: date), "\(seconds)")
        }
        XCTAssertEqual(Timestamp.format(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00Z")
        XCTAssertEqual(
            Timestamp.parse(Timestamp.format(Date(timeIntervalSince1970: 1_798_761_599))), Date(timeIntervalSince1970: 1_798_761_599))
    }
}
