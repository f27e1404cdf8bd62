/// Number formatting for narrow columns, independent of the C locale.
enum NumberFormat {
    /// `value` with `digits` decimals (0–3), rounded half away from zero.
    static func fixed(_ value: Double, digits: Int = 1) -> String {
        guard value.isFinite else { return "-" }
        let scale = [1.0, 10.0, 100.0, 1000.0][min(max(digits, 0), 3)]
        let scaled = Int64((abs(value) * scale).rounded())
        let whole = scaled / Int64(scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard digits > 0 else { return "\(sign)\(whole)" }
        var fraction = String(scaled % Int64(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(sign)\(whole).\(fraction)"
    }

    /// A percentage as htop prints it: one decimal, "100" and above without.
    static func percent(_ value: Double) -> String {
        value >= 99.95 ? fixed(value, digits: 0) : fixed(value, digits: 1)
    }

    /// Bytes in binary units, at most 5 characters: `0`, `912K`, `12.5M`, `1.2G`, `340G`.
    static func bytes(_ value: UInt64) -> String {
        let units = ["K", "M", "G", "T", "P"]
        var amount = Double(value) / 1024
        if value == 0 { return "0" }
        for unit in units {
            if amount < 10 { return fixed(amount, digits: 1) + unit }
            if amount < 1000 { return fixed(amount, digits: 0) + unit }
            amount /= 1024
        }
        return fixed(amount * 1024, digits: 0) + "P"
    }

    /// Samples or counts with thousands separators: `12,345`.
    static func grouped(_ value: UInt64) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return result
    }

    /// Seconds as `m:ss` (or `h:mm:ss` from an hour on).
    static func duration(_ seconds: Double) -> String {
        let total = max(0, Int(seconds.rounded(.down)))
        let hours = total / 3600
        let minutes = (total % 3600) / 60
        let secs = total % 60
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        return hours > 0 ? "\(hours):\(two(minutes)):\(two(secs))" : "\(minutes):\(two(secs))"
    }
}
