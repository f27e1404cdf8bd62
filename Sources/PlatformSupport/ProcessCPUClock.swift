#if canImport(Glibc)
import Glibc
#endif

/// This process's CPU time, every thread's (CLOCK_PROCESS_CPUTIME_ID): what flametop itself
/// costs, where its own threads are not sampled.
public enum ProcessCPUClock {
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
