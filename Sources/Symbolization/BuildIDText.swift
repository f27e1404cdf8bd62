/// A GNU build-id as lowercase hex, the form `file`, `readelf -n` and debuginfod use.
enum BuildIDText {
    static func hex(_ bytes: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            if byte < 16 { text += "0" }
            text += String(byte, radix: 16)
        }
        return text
    }
}
