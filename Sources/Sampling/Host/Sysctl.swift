import FoundationEssentials
import PlatformSupport

/// Kernel settings flametop reports and reasons about.
public enum Sysctl {
    public static func perfEventParanoid() -> Int? { integer("/proc/sys/kernel/perf_event_paranoid") }
    public static func kptrRestrict() -> Int? { integer("/proc/sys/kernel/kptr_restrict") }
    public static func unprivilegedBPFDisabled() -> Int? { integer("/proc/sys/kernel/unprivileged_bpf_disabled") }
    public static func perfEventMaxStack() -> Int? { integer("/proc/sys/kernel/perf_event_max_stack") }
    public static func bpfStatsEnabled() -> Int? { integer("/proc/sys/kernel/bpf_stats_enabled") }

    static func integer(_ path: String) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Int(text.trimmed())
    }
}
