import Glibc
import PrenumSystem
import XCTest

final class SystemCallTests: XCTestCase {
    /// An interrupted call is asked again; the caller sees only the call that went through.
    func testAnInterruptedCallIsRetried() {
        var calls = 0
        let result = SystemCall.retryingInterrupted { () -> Int in
            calls += 1
            if calls < 3 {
                errno = EINTR
                return -1
            }
            return 7
        }
        XCTAssertEqual(result, 7)
        XCTAssertEqual(calls, 3)
    }

    /// Any other failure comes back at once, with its errno left for the caller to report.
    func testAnotherFailureIsReturnedWithItsErrno() {
        var calls = 0
        let result = SystemCall.retryingInterrupted { () -> Int32 in
            calls += 1
            errno = ENOSPC
            return -1
        }
        XCTAssertEqual(result, -1)
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(errno, ENOSPC)
    }

    func testWriteAllWritesEveryByteAndReadReadsThemBack() throws {
        var ends: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&ends), 0)
        defer { close(ends[0]) }
        let bytes = [UInt8]("every byte, in order".utf8)
        try write(bytes, to: ends[1])
        close(ends[1])
        var back: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let count = SystemCall.read(ends[0], into: buffer)
            XCTAssertGreaterThanOrEqual(count, 0)
            if count <= 0 { break }
            back.append(contentsOf: buffer[0..<count])
        }
        XCTAssertEqual(back, bytes)
    }

    func testAFailedWriteNamesTheKernelsReason() {
        let bytes: [UInt8] = [1, 2, 3]
        XCTAssertThrowsError(try write(bytes, to: -1)) { error in
            XCTAssertEqual(error as? SystemCallError, SystemCallError(code: EBADF))
            XCTAssertEqual("\(error)", String(cString: strerror(EBADF)))
        }
    }

    private func write(_ bytes: [UInt8], to descriptor: Int32) throws {
        try bytes.withUnsafeBytes { try SystemCall.writeAll(descriptor, $0) }
    }
}
