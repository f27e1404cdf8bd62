import FoundationEssentials
import Sampling

/// The words `doctor` prints under its checks: each fix once (the privileges, BPF and probe
/// checks all fail for want of the same capabilities), without the hint a check's detail
/// already carries, and for kernel symbols the setting that really hides them.
struct DoctorAdvice {
    private var given: [String: String] = [:]

    /// The fix line for `item`, or a pointer to the check that already named it; nil for none.
    mutating func fix(for item: SystemCheck.Item, kptrRestrict: Int?, perfEventParanoid: Int?) -> String? {
        guard item.status != .ok else { return nil }
        var fix = item.fix
        if item.name == "kernel symbols" {
            fix = Self.kernelSymbolsFix(kptrRestrict: kptrRestrict, perfEventParanoid: perfEventParanoid)
        }
        guard !fix.isEmpty else { return nil }
        if let first = given[fix] { return "as for \(first) above" }
        given[fix] = item.name
        return fix
    }

    /// The detail without a trailing `hint: …` line (errors describe themselves with their
    /// hint; the fix line says it), on one line.
    static func detail(of item: SystemCheck.Item) -> String {
        var text = item.detail
        if let hint = text.firstRange(of: "\nhint:") { text = String(text[..<hint.lowerBound]) }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// Which setting keeps /proc/kallsyms at zeros for this user: kallsyms_show_value() in
    /// kernel/kallsyms.c shows addresses with kptr_restrict=0 only while perf_event_paranoid
    /// ≤ 1 (else CAP_SYSLOG is needed, as with kptr_restrict=1); kptr_restrict=2 hides them
    /// from everyone.
    static func kernelSymbolsFix(kptrRestrict: Int?, perfEventParanoid: Int?) -> String {
        switch kptrRestrict {
        case 0?:
            let paranoid = perfEventParanoid.map { " (it is \($0))" } ?? ""
            return "set kernel.perf_event_paranoid=1\(paranoid): with kptr_restrict=0 kallsyms shows addresses "
                + "only while it is ≤ 1; or run as root (CAP_SYSLOG), to name kernel frames"
        case 1?:
            return "run as root (CAP_SYSLOG), or set kernel.kptr_restrict=0 and kernel.perf_event_paranoid=1, "
                + "to name kernel frames"
        case let level?:
            return "kernel.kptr_restrict=\(level) hides kernel addresses even from root: set it to 0 or 1 "
                + "to name kernel frames"
        case nil:
            return "run as root to name kernel frames"
        }
    }
}
