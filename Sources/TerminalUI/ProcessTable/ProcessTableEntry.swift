/// One process as the process list shows it, from /proc/PID/{stat,cmdline}.
public struct ProcessTableEntry: Sendable, Equatable, Identifiable {
    public var pid: Int32
    public var parentPID: Int32
    public var uid: UInt32
    /// The user name, or the uid as text when it has no name.
    public var user: String
    /// The state letter of /proc/PID/stat: R running, S sleeping, D disk wait, Z zombie,
    /// T stopped, t traced, I idle kernel thread, X dead.
    public var state: Character
    public var threads: Int
    public var residentBytes: UInt64
    /// User plus system CPU time, in clock ticks (sysconf(_SC_CLK_TCK)).
    public var cpuTicks: UInt64
    /// CPU use since the previous scan; 100 is one core busy all the time. Zero on the
    /// first scan, which has nothing to compare with.
    public var cpuPercent: Double
    /// The kernel's short name (`comm`, at most 15 bytes).
    public var command: String
    /// The full command line, arguments separated by spaces; `[comm]` for kernel
    /// threads and zombies, which have none (as `ps` shows them).
    public var commandLine: String
    public var isKernelThread: Bool
    /// Start time in clock ticks after boot: with the pid, identifies a process even
    /// when its pid is reused.
    public var startTicks: UInt64

    /// Voluntary context switches of all its threads (`voluntary_ctxt_switches` of
    /// /proc/PID/task/*/status), when the table reads them (`readsVoluntarySwitches`).
    public var voluntarySwitches: UInt64 = 0
    /// Voluntary switches per second since the previous scan: how often its threads
    /// block (sleep, wait on locks, I/O, pipes). Zero on the first scan.
    public var waitsPerSecond: Double = 0

    public var id: Int32 { pid }

    public init(pid: Int32, parentPID: Int32, uid: UInt32, user: String, state: Character, threads: Int,
                residentBytes: UInt64, cpuTicks: UInt64, cpuPercent: Double, command: String,
                commandLine: String, isKernelThread: Bool, startTicks: UInt64) {
        self.pid = pid
        self.parentPID = parentPID
        self.uid = uid
        self.user = user
        self.state = state
        self.threads = threads
        self.residentBytes = residentBytes
        self.cpuTicks = cpuTicks
        self.cpuPercent = cpuPercent
        self.command = command
        self.commandLine = commandLine
        self.isKernelThread = isKernelThread
        self.startTicks = startTicks
    }
}
