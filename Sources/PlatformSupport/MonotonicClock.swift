#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC, the clock `bpf_ktime_get_ns` reads, so a BPF program's timestamps can be
/// compared with user space's. (In a module that also sees libbpf's headers, `timespec`'s fields
/// are attributed to them; reading the clock here keeps those modules free of that import.)
public enum MonotonicClock {
    public static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
