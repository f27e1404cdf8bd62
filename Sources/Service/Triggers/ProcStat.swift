import Glibc

/// The fields of /proc/PID/stat the service uses (proc(5)): its own CPU time for
/// GetStatus, and every watched process's for the triggers.
struct ProcStat: Equatable {
    var command: String
    var flags: UInt64
    /// utime + stime, in clock ticks.
    var cpuTicks: UInt64
    var startTicks: UInt64

    /// PF_KTHREAD (include/linux/sched.h).
    static let kernelThreadFlag: UInt64 = 0x0020_0000
    var isKernelThread: Bool { flags & Self.kernelThreadFlag != 0 }

    static let ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))

    /// Parses one stat line. The command name sits in parentheses and may itself hold
    /// spaces and parentheses, so the fields start after the *last* ')'.
    init?(_ bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        command = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let rest = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        // Fields are numbered from 1 in proc(5); `rest` starts at field 3 (state).
        func field(_ number: Int) -> UInt64? {
            let index = number - 3
            guard index >= 0, index < rest.count else { return nil }
            return UInt64(String(decoding: rest[rest.startIndex + index], as: UTF8.self))
        }
        guard let flags = field(9), let user = field(14), let system = field(15), let start = field(22) else { return nil }
        self.flags = flags
        cpuTicks = user + system
        startTicks = start
    }

    /// /proc/`pid`/stat (or /proc/self/stat); nil when the process is gone.
    static func read(_ pid: String, procRoot: String = "/proc") -> ProcStat? {
        ProcFile.read("\(procRoot)/\(pid)/stat", limit: 4096).flatMap { ProcStat($0) }
    }
}
