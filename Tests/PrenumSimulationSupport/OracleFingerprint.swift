import Foundation
import PrenumCrypto

/// SPEC section 4's trailer fingerprint computed again on the test side, from the visibility
/// oracle's records and none of Prenum's code: the canonical text, SHA-256 from libcrypto, and
/// the sum modulo 2^256 as byte-wise addition with carry.
enum OracleFingerprint {
    static let legalBasis = [
        "coordination": "SFB 110:39, 114:9, 114:24", "risk_assessment": "SFB 114:24",
        "pension_forecast": "SFB 114:25", "claims": "SFB 114:26"
    ]

    static let order = [
        "payment": ["benefit", "company", "status", "periodFrom", "periodTo", "paymentDate", "gross", "tax", "registeredAt"],
        "case": ["benefit", "decision", "openedOn", "closedOn", "extentPct", "dailyAmount"]
    ]

    static func canonicalText(_ record: MirrorRecord) -> [UInt8] {
        var fields = [record.entity, "pnr=\(record.pnr)", "id=\(record.id)"]
        for name in order[record.entity] ?? [] {
            if let value = record.attributes[name] { fields.append("\(name)=\(value)") }
        }
        // The oracle keeps deductions as "KIND=amount", sorted by kind.
        for deduction in record.deductions.sorted(by: { kind($0).utf8.lexicographicallyPrecedes(kind($1).utf8) }) {
            let parts = deduction.split(separator: "=", maxSplits: 1)
            fields.append("deduction=\(parts[0]):\(parts.count > 1 ? String(parts[1]) : "")")
        }
        return Array(fields.joined(separator: "\u{1F}").utf8)
    }

    private static func kind(_ deduction: String) -> String { String(deduction.split(separator: "=").first ?? "") }

    static func of(_ records: [MirrorRecord]) -> (visible: Int, hex: String) {
        var sum = [UInt8](repeating: 0, count: 32)
        for record in records {
            let digest = SHA256Digest.bytes(of: canonicalText(record))
            var carry = 0
            for index in (0..<32).reversed() {
                let total = Int(sum[index]) + Int(digest[index]) + carry
                sum[index] = UInt8(total & 0xff)
                carry = total >> 8
            }
        }
        return (records.count, sum.map { String(format: "%02x", $0) }.joined())
    }
}
