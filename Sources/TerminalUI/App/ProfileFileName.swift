import FoundationEssentials
import PlatformSupport
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
        LocalTimestamp.compact(secondsSince1970: Int(date.timeIntervalSince1970.rounded(.down)))
    }

    /// Keeps names safe as one path component in any shell.
    private static func sanitized(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || "._+-".contains($0) ? $0 : "_" }.prefix(40))
    }
}
