import Glibc

/// A forward reader over the bytes of one line of a /proc text file. Parsing bytes
/// directly avoids a String per field: /proc/kallsyms has ~120k lines.
struct ByteCursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var position: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) {
        self.bytes = bytes
        self.position = start
        self.end = end
    }

    var isAtEnd: Bool { position >= end }
    var current: UInt8? { position < end ? bytes[position] : nil }

    /// Parses hexadecimal digits (at least one); nil when there are none or they overflow 64 bits.
    mutating func hex() -> UInt64? {
        var value: UInt64 = 0
        let start = position
        while position < end, let digit = Self.hexValue(bytes[position]) {
            if value > UInt64.max >> 4 { return nil }
            value = value << 4 | UInt64(digit)
            position += 1
        }
        return position > start ? value : nil
    }

    /// Parses decimal digits (at least one).
    mutating func decimal() -> UInt64? {
        var value: UInt64 = 0
        let start = position
        while position < end, bytes[position] &- UInt8(ascii: "0") < 10 {
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(bytes[position] &- UInt8(ascii: "0")))
            if overflow1 || overflow2 { return nil }
            value = sum
            position += 1
        }
        return position > start ? value : nil
    }

    /// Consumes `byte` if it is next; false otherwise.
    mutating func skip(_ byte: UInt8) -> Bool {
        guard position < end, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Consumes a `0x` prefix if it is next.
    mutating func skipHexPrefix() -> Bool {
        guard position + 1 < end, bytes[position] == UInt8(ascii: "0"),
              bytes[position + 1] == UInt8(ascii: "x") || bytes[position + 1] == UInt8(ascii: "X") else { return false }
        position += 2
        return true
    }

    mutating func skipSpaces() {
        while position < end, bytes[position] == UInt8(ascii: " ") { position += 1 }
    }

    /// Consumes one byte, whatever it is.
    mutating func next() -> UInt8? {
        guard position < end else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

extension UnsafeBufferPointer where Element == UInt8 {
    /// Index of the first `byte` in `start..<end` (default: to the end), or `end` when there is
    /// none (memchr is much faster than a Swift loop).
    func index(of byte: UInt8, from start: Int, to end: Int? = nil) -> Int {
        let end = end ?? count
        guard start < end, let base = baseAddress else { return end }
        guard let found = memchr(base + start, Int32(byte), end - start) else { return end }
        return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
    }
}
