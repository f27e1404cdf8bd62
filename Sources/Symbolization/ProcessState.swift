import Glibc
import Profile

/// What a `Symbolizer` keeps per process: its executable mappings, when they were read,
/// the frames its addresses became, its root (for containers) and its JIT perf map.
final class ProcessState {
    var maps: ProcessMaps
    var lastRead: ContinuousClock.Instant
    /// Set once /proc/PID is gone: its maps can no longer change, so never re-read them.
    var hasExited: Bool
    var memo: [UInt64: Resolution] = [:]
    /// The export form of each mapping frames were resolved in, by start address;
    /// cleared with `memo` when the maps change.
    var codeMappings: [UInt64: CodeMapping] = [:]
    /// `/proc/PID/root` when the process sees another root than ours (a container), else nil.
    var root: String?
    /// When a sweep first found /proc/PID gone; evicted at a later sweep.
    var goneSince: ContinuousClock.Instant?

    var perfMap: PerfMap?
    /// Size and modification time of the perf map last read: a JIT appends as it compiles.
    var perfMapStamp: [Int] = []
    var perfMapChecked: ContinuousClock.Instant?

    init(maps: ProcessMaps, lastRead: ContinuousClock.Instant, hasExited: Bool, pid: Int32) {
        self.maps = maps
        self.lastRead = lastRead
        self.hasExited = hasExited
        root = Self.foreignRoot(pid: pid)
    }

    private static func foreignRoot(pid: Int32) -> String? {
        let path = "/proc/\(pid)/root"
        var theirs = stat()
        var ours = stat()
        guard stat(path, &theirs) == 0, stat("/", &ours) == 0 else { return nil }
        return theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino ? nil : path
    }
}
