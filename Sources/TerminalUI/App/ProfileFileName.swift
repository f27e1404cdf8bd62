import Foundation
import Profile
import Sampling

/// File names for exported and autosaved profiles:
/// `flametop-<comm>-<pid>-<YYYYmmdd-HHMMSS>.folded`, `flametop-all-<time>.folded`; a
/// window's export says which: `…-<time>-last10s.folded`.
enum ProfileFileName {
    static func make(for snapshot: SessionSnapshot, at date: Date, window: TimeWindow = .all) -> String {
        var name = sanitized(snapshot.targetName)
        if name.hasSuffix(".folded") { name.removeLast(".folded".count) }
        var parts = ["flametop", name.isEmpty ? "profile" : name]
        if case .process(let pid) = snapshot.settings.target { parts.append(String(pid)) }
        parts.append(timestamp(date))
        return parts.joined(separator: "-") + TimelineWindow.fileSuffix(window) + ".folded"
    }

    /// Local time as `YYYYmmdd-HHMMSS`.
    static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))-"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))"
    }

    /// Keeps names safe as one path component in any shell.
    private static func sanitized(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "._+-".contains($0) ? $0 : "_" }.prefix(40))
    }
}
