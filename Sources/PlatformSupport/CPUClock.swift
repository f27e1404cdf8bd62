#if canImport(Glibc)
import Glibc
#endif

/// CPU time in seconds: what one of flametop's threads costs apart from the rest of the
/// process (CLOCK_THREAD_CPUTIME_ID), and what the whole process costs where its own threads
/// are not sampled (CLOCK_PROCESS_CPUTIME_ID).
public enum CPUClock {
    public static func threadSeconds() -> Double { seconds(CLOCK_THREAD_CPUTIME_ID) }
    public static func processSeconds() -> Double { seconds(CLOCK_PROCESS_CPUTIME_ID) }

    private static func seconds(_ clock: clockid_t) -> Double {
        var time = timespec()
        clock_gettime(clock, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
