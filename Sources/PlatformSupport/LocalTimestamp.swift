#if canImport(Glibc)
import Glibc
#endif

/// The host's local time in the compact form file names use, `YYYYmmdd-HHMMSS`, from the C
/// library's time zone rules (Foundation's `DateFormatter` would link its ICU tables for this).
public enum LocalTimestamp {
    public static func compact(secondsSince1970: Int) -> String {
        var seconds = time_t(secondsSince1970)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }
}
