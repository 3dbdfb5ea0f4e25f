/// Appends XML text straight into a byte array. The delivery writer formats millions of
/// attributes on a heavy night, so this avoids String interpolation and per-attribute
/// allocations: literals are copied as bytes and integers formatted in place.
struct XMLBytes {
    var bytes: [UInt8] = []

    init(capacity: Int) {
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// ` name="value"` with the value escaped. Nil writes nothing: a NULL register value is
    /// left out of the file.
    @inline(__always)
    mutating func attribute(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        literal(" ")
        literal(name)
        literal("=\"")
        escaped(value)
        literal("\"")
    }

    /// ` name="123"`.
    @inline(__always)
    mutating func attribute(_ name: StaticString, integer value: Int64?) {
        guard let value else { return }
        literal(" ")
        literal(name)
        literal("=\"")
        integer(value)
        literal("\"")
    }

    /// ` name="-12.50"`: öre as kronor with exactly two decimals.
    @inline(__always)
    mutating func attribute(_ name: StaticString, amountOre value: Int64?) {
        guard let value else { return }
        literal(" ")
        literal(name)
        literal("=\"")
        amount(ore: value)
        literal("\"")
    }

    /// Raw bytes already known to need no escaping (validated digits, enum text).
    mutating func trusted(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        unsigned(value.magnitude)
    }

    mutating func unsigned(_ value: UInt64) {
        let start = bytes.count
        var rest = value
        repeat {
            bytes.append(0x30 &+ UInt8(truncatingIfNeeded: rest % 10))
            rest /= 10
        } while rest > 0
        bytes[start...].reverse()
    }

    mutating func amount(ore value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        let magnitude = value.magnitude
        unsigned(magnitude / 100)
        let cents = UInt8(truncatingIfNeeded: magnitude % 100)
        bytes.append(UInt8(ascii: "."))
        bytes.append(0x30 &+ cents / 10)
        bytes.append(0x30 &+ cents % 10)
    }

    /// Attribute-value escaping. `&`, `<`, `>` and `"` become entities; tab, line feed and
    /// carriage return become character references so attribute normalisation does not turn
    /// them into spaces. Other control characters (and U+FFFE/U+FFFF) cannot appear in an
    /// XML 1.0 document at all, not even as references, so they become U+FFFD.
    mutating func escaped(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            guard utf8.contains(where: Self.needsAttention) else {
                bytes.append(contentsOf: utf8)
                return
            }
            var index = 0
            while index < utf8.count {
                let byte = utf8[index]
                switch byte {
                case UInt8(ascii: "&"): literal("&amp;")
                case UInt8(ascii: "<"): literal("&lt;")
                case UInt8(ascii: ">"): literal("&gt;")
                case UInt8(ascii: "\""): literal("&quot;")
                case 0x09: literal("&#x9;")
                case 0x0A: literal("&#xA;")
                case 0x0D: literal("&#xD;")
                case 0x00..<0x20: literal("\u{FFFD}")
                case 0xEF where index + 2 < utf8.count && utf8[index + 1] == 0xBF && utf8[index + 2] >= 0xBE:
                    literal("\u{FFFD}")
                    index += 2
                default: bytes.append(byte)
                }
                index += 1
            }
        }
    }

    @inline(__always)
    private static func needsAttention(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == 0xEF
    }
}
