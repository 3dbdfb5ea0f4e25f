import Foundation
import PrenumTestSupport
import XCTest

@testable import PrenumCore
@testable import PrenumSimulationSupport

/// A population file far larger than the memory Prenum may use is streamed: `prenum import`
/// reads, hashes and checks every line of it, and its peak resident size (from
/// `/usr/bin/time -v`) stays a small fraction of the file. The file is refused for one bad line
/// at its start, so every other line is parsed and checked but none applied: the cost is the
/// streaming, not the database.
///
/// `PRENUM_BIG_POPULATION_MB` sets the size (default 40 for CI: the debug build streams about
/// 2.5 MB/s); `scripts/big-population.sh` runs it against the release build with several
/// gigabytes and prints the figures.
final class BigPopulationFileTests: XCTestCase {
    static let peakLimitKilobytes = 128 * 1024

    func testAPopulationFileOfHundredsOfMegabytesIsStreamedInBoundedMemory() throws {
        try ProcessRunner.requirePrenum()
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            XCTFail("/usr/bin/time is missing (apt-get install time)")
            return
        }
        let megabytes = ProcessInfo.processInfo.environment["PRENUM_BIG_POPULATION_MB"].flatMap(Int.init) ?? 40
        let world = try SimulationWorkspace(seed: 612)
        try world.writeConfiguration()
        let id = world.subscribers[1].id
        let inbox = world.root.appendingPathComponent("inbox/\(id)")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let path = inbox.appendingPathComponent("full-big.csv").path

        // Written in 4 MB blocks: a header, one bad line, then valid lines cycling the pool.
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        let lines = world.chaos.persons.map { Array("ADD;\($0);Y;2026-01-01\n".utf8) }
        var block: [UInt8] = Array("action;pnr;consent;from\nADD;199001011234;Y;\n".utf8)
        var dataLines = 1
        var written = 0
        let target = megabytes * 1_000_000
        var next = 0
        while written + block.count < target {
            block += lines[next]
            next = (next + 1) % lines.count
            dataLines += 1
            if block.count >= 4 << 20 {
                try handle.write(contentsOf: block)
                written += block.count
                block.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: block)
        written += block.count
        try handle.close()

        let configPath = world.root.appendingPathComponent("config/prenum.json").path
        let began = Date()
        let measured = try ProcessRunner.run("/usr/bin/time", ["-v", ProcessRunner.prenumBinary, "import", "--config", configPath])
        let seconds = Date().timeIntervalSince(began)
        XCTAssertEqual(measured.status, 0, measured.errorOutput.suffix(2000).description)
        let peak = try XCTUnwrap(
            measured.errorOutput.split(separator: "\n")
                .first { $0.contains("Maximum resident set size") }
                .flatMap { Int($0.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "") },
            "no peak RSS in: \(measured.errorOutput.suffix(1500))")
        XCTAssertLessThan(peak, Self.peakLimitKilobytes, "peak RSS \(peak) kB for a \(written / 1_000_000) MB file")

        // It was read to the end: the receipt counts every line and the file's exact hash.
        let receiptURL = world.outboxFolder(world.subscribers[1]).appendingPathComponent("receipts/full-big.csv.receipt.json")
        let receipt = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: receiptURL)) as? [String: Any])
        XCTAssertEqual(receipt["outcome"] as? String, "rejected")
        let rejectedPath = inbox.appendingPathComponent("rejected/full-big.csv").path
        let sha = try ProcessRunner.run("/usr/bin/sha256sum", [rejectedPath]).output.split(separator: " ").first.map(String.init)
        XCTAssertEqual(receipt["sha256"] as? String, sha)
        let counts = receipt["counts"] as? [String: Any]
        XCTAssertEqual(counts?["lines"] as? Int, dataLines, "the receipt does not count every line: \(receipt)")
        XCTAssertEqual(counts?["badLines"] as? Int, 1)
        XCTAssertEqual(try world.stateQuery("SELECT COUNT(*) FROM subscription"), "0", "a line of a refused file was applied")
        print("big-population: \(written) bytes, \(dataLines) lines streamed in \(String(format: "%.1f", seconds)) s, peak RSS \(peak) kB")
    }
}
