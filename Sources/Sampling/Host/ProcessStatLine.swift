import Glibc

/// The fields of /proc/PID/stat (proc(5)) flametop reads: for a session's target, the TUI's
/// process table and the service's triggers and own usage.
public struct ProcessStatLine: Equatable, Sendable {
    public var command: String
    public var state: Character
    public var parentPID: Int32
    public var flags: UInt64
    /// utime + stime: the CPU time of the process's threads, in clock ticks.
    public var cpuTicks: UInt64
    public var threads: Int
    /// When the process started, in clock ticks after boot: tells a reused PID from the old process.
    public var startTicks: UInt64
    public var residentPages: UInt64

    /// PF_KTHREAD (include/linux/sched.h).
    public static let kernelThreadFlag: UInt64 = 0x0020_0000
    public static let ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))

    public var isKernelThread: Bool { flags & Self.kernelThreadFlag != 0 }
    /// `cpuTicks` in seconds.
    public var cpuSeconds: Double { Double(cpuTicks) / Self.ticksPerSecond }

    /// Parses one stat line. The command name sits in parentheses and may itself hold
    /// spaces and parentheses, so the fields start after the *last* ')'.
    public init?(_ bytes: some Collection<UInt8>) {
        let bytes = Array(bytes)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close else { return nil }
        command = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        let rest = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), omittingEmptySubsequences: true)
        // Fields are numbered from 1 in proc(5); `rest` starts at field 3 (state).
        func field(_ number: Int) -> Substring? {
            let index = number - 3
            guard index >= 0, index < rest.count else { return nil }
            return Substring(decoding: rest[rest.startIndex + index], as: UTF8.self)
        }
        guard let stateField = field(3), let state = stateField.first,
              let parentPID = field(4).flatMap({ Int32($0) }),
              let flags = field(9).flatMap({ UInt64($0) }),
              let userTicks = field(14).flatMap({ UInt64($0) }),
              let systemTicks = field(15).flatMap({ UInt64($0) }),
              let threads = field(20).flatMap({ Int($0) }),
              let startTicks = field(22).flatMap({ UInt64($0) }),
              let residentPages = field(24).flatMap({ Int64($0) }) else { return nil }
        self.state = state
        self.parentPID = parentPID
        self.flags = flags
        cpuTicks = userTicks + systemTicks
        self.threads = threads
        self.startTicks = startTicks
        self.residentPages = UInt64(max(0, residentPages))
    }

    /// /proc/`pid`/stat; nil when the process is gone.
    public static func read(pid: Int32) -> ProcessStatLine? { read(path: "/proc/\(pid)/stat") }

    /// A stat file by path (another /proc root, `/proc/self/stat`); nil when it cannot be read.
    public static func read(path: String) -> ProcessStatLine? {
        SmallProcFile.read(path, limit: 4096).flatMap { ProcessStatLine($0) }
    }
}
