#if canImport(Glibc)
import Glibc
#endif

/// The calling thread's own CPU time (CLOCK_THREAD_CPUTIME_ID): what one of flametop's threads
/// costs, apart from the rest of the process.
public enum ThreadCPUClock {
    public static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
