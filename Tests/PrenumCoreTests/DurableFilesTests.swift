import Foundation
import XCTest

@testable import PrenumCore

/// `DurableFiles.copy` copies in the kernel (`sendfile`) and falls back to reading through a
/// buffer where the kernel refuses; both ways must give the same bytes and leave no temporary.
final class DurableFilesTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("durable-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func testARegularFileIsCopiedByteForByte() throws {
        var random = SystemRandomNumberGenerator()
        let bytes = Data((0..<(3 << 20) + 17).map { _ in UInt8.random(in: 0...255, using: &random) })
        let source = folder.appendingPathComponent("source.xml")
        try bytes.write(to: source)
        let copy = folder.appendingPathComponent("copy.xml")
        try DurableFiles.copy(source.path, to: copy.path)
        XCTAssertEqual(try Data(contentsOf: copy), bytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["copy.xml", "source.xml"])
    }

    /// Linux refuses `sendfile` from this process's `limits` file (EINVAL), so the copy goes
    /// through the buffer. Its content does not change while the process runs.
    func testASourceTheKernelWillNotSendIsCopiedThroughTheBuffer() throws {
        let source = "/proc/self/limits"
        guard FileManager.default.isReadableFile(atPath: source) else { throw XCTSkip("no \(source) on this system") }
        let input = open(source, O_RDONLY)
        let probe = open(folder.appendingPathComponent("probe").path, O_WRONLY | O_CREAT, 0o600)
        let sent = sendfile(probe, input, nil, 4096)
        let refusal = errno
        close(input)
        close(probe)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("probe"))
        guard sent < 0, refusal == EINVAL else { throw XCTSkip("this kernel sends \(source); the fallback is not reached") }

        let copy = folder.appendingPathComponent("limits")
        try DurableFiles.copy(source, to: copy.path)
        // Read to the end: a procfs file reports no size.
        let expected = try FileHandle(forReadingFrom: URL(fileURLWithPath: source)).readToEnd() ?? Data()
        XCTAssertFalse(expected.isEmpty)
        XCTAssertEqual(try Data(contentsOf: copy), expected)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["limits"])
    }
}
