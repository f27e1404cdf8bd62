import Glibc
import Sampling

/// Scans /proc for the process list. Keeps the CPU time of each process from the
/// previous scan, so CPU% is the delta of utime+stime over the wall time between two
/// scans (100% = one core). A process that exits mid-scan is left out without error.
public struct ProcessTable: Sendable {
    private let procRoot: String
    private var previousTicks: [ProcessKey: UInt64] = [:]
    private var previousThreadTicks: [Int32: UInt64] = [:]
    private var previousSwitches: [ProcessKey: UInt64] = [:]
    /// Whether a scan reads every thread's voluntary context switches (one file per
    /// thread: the list turns it on while it sorts by them).
    public var readsVoluntarySwitches = false
    private var previousTime: Double?
    private var userNames = ProcessTableUserNames()
    private let ticksPerSecond: Double
    private let pageSize: UInt64

    /// A pid is reused after a process exits; the start time tells the two apart.
    private struct ProcessKey: Hashable, Sendable {
        var pid: Int32
        var startTicks: UInt64
    }

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
        ticksPerSecond = Double(max(1, sysconf(Int32(_SC_CLK_TCK))))
        pageSize = UInt64(max(1, sysconf(Int32(_SC_PAGESIZE))))
    }

    /// Reads every process once, and the threads of `threadsOf`. CPU percentages
    /// compare with the previous call.
    public mutating func scan(threadsOf expanded: Int32? = nil) -> ProcessTableSnapshot {
        let now = Self.monotonicSeconds()
        let interval = previousTime.map { now - $0 }
        var ticks: [ProcessKey: UInt64] = [:]
        var switches: [ProcessKey: UInt64] = [:]
        var processes: [ProcessTableEntry] = []
        for pid in SmallProcFile.numericEntries(of: procRoot) {
            guard var entry = read(pid: pid) else { continue }
            let key = ProcessKey(pid: pid, startTicks: entry.startTicks)
            ticks[key] = entry.cpuTicks
            if let interval, interval > 0, let before = previousTicks[key], entry.cpuTicks >= before {
                entry.cpuPercent = Double(entry.cpuTicks - before) / ticksPerSecond / interval * 100
            }
            if readsVoluntarySwitches && !entry.isKernelThread {
                entry.voluntarySwitches = voluntarySwitches(pid: pid)
                switches[key] = entry.voluntarySwitches
                if let interval, interval > 0, let before = previousSwitches[key], entry.voluntarySwitches >= before {
                    entry.waitsPerSecond = Double(entry.voluntarySwitches - before) / interval
                }
            }
            processes.append(entry)
        }
        previousTicks = ticks
        previousSwitches = switches
        previousTime = now
        var snapshot = ProcessTableSnapshot(processes: processes, loadAverage: loadAverage(),
                                            cpuCount: max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))),
                                            memoryTotalBytes: memoryTotal(), interval: interval)
        if let expanded {
            snapshot.threads = (expanded, threads(of: expanded, interval: interval))
        } else {
            previousThreadTicks.removeAll()
        }
        return snapshot
    }

    /// The threads of `pid`, busiest first; CPU% against the previous scan of them.
    private mutating func threads(of pid: Int32, interval: Double?) -> [ProcessTableThread] {
        var threads: [ProcessTableThread] = []
        var ticks: [Int32: UInt64] = [:]
        for tid in SmallProcFile.numericEntries(of: "\(procRoot)/\(pid)/task") {
            guard let fields = ProcessStatLine.read(path: "\(procRoot)/\(pid)/task/\(tid)/stat") else { continue }
            var thread = ProcessTableThread(tid: tid, name: fields.command, state: fields.state, cpuTicks: fields.cpuTicks)
            if let interval, interval > 0, let before = previousThreadTicks[tid], fields.cpuTicks >= before {
                thread.cpuPercent = Double(fields.cpuTicks - before) / ticksPerSecond / interval * 100
            }
            ticks[tid] = fields.cpuTicks
            threads.append(thread)
        }
        previousThreadTicks = ticks
        return threads.sorted { $0.cpuPercent != $1.cpuPercent ? $0.cpuPercent > $1.cpuPercent : $0.tid < $1.tid }
    }

    /// One process, without a CPU percentage; nil when it does not exist (any more).
    public mutating func read(pid: Int32) -> ProcessTableEntry? {
        let directory = "\(procRoot)/\(pid)"
        guard let fields = ProcessStatLine.read(path: "\(directory)/stat") else { return nil }
        // The directory's owner is the process's effective uid (proc(5)), except for
        // non-dumpable processes, which show as root; `ps` and htop read it the same way.
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }
        // 4 KiB of arguments is more than any screen shows.
        guard let arguments = SmallProcFile.read("\(directory)/cmdline", limit: 4096) else { return nil }
        var commandLine = Self.joinArguments(arguments)
        if commandLine.isEmpty { commandLine = "[\(fields.command)]" }
        return ProcessTableEntry(
            pid: pid, parentPID: fields.parentPID, uid: info.st_uid, user: userNames.name(of: info.st_uid),
            state: fields.state, threads: fields.threads, residentBytes: fields.residentPages * pageSize,
            cpuTicks: fields.cpuTicks, cpuPercent: 0, command: fields.command, commandLine: commandLine,
            isKernelThread: fields.isKernelThread, startTicks: fields.startTicks)
    }

    /// The sum of `voluntary_ctxt_switches` over /proc/PID/task/*/status (a thread
    /// that exits between the listing and the read is left out).
    public func voluntarySwitches(pid: Int32) -> UInt64 {
        var total: UInt64 = 0
        for tid in SmallProcFile.numericEntries(of: "\(procRoot)/\(pid)/task") {
            guard let text = SmallProcFile.readText("\(procRoot)/\(pid)/task/\(tid)/status", limit: 4096) else { continue }
            total += Self.voluntarySwitches(inStatus: text) ?? 0
        }
        return total
    }

    /// `voluntary_ctxt_switches:\t123` from a status file.
    public static func voluntarySwitches(inStatus text: String) -> UInt64? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("voluntary_ctxt_switches:") }) else {
            return nil
        }
        return UInt64(String(line.dropFirst("voluntary_ctxt_switches:".count).filter { $0 != " " && $0 != "\t" }))
    }

    /// cmdline holds NUL-terminated arguments; a process that rewrote its title may
    /// leave NULs in the middle or padding at the end.
    public static func joinArguments(_ bytes: [UInt8]) -> String {
        var end = bytes.count
        while end > 0 && bytes[end - 1] == 0 { end -= 1 }
        let joined = bytes[0..<end].map { $0 == 0 ? UInt8(ascii: " ") : $0 }
        return String(decoding: joined, as: UTF8.self)
    }

    private func loadAverage() -> [Double] {
        guard let text = SmallProcFile.readText("\(procRoot)/loadavg", limit: 256) else { return [0, 0, 0] }
        let values = text.split(separator: " ").prefix(3).compactMap { Double($0) }
        return values.count == 3 ? values : [0, 0, 0]
    }

    private func memoryTotal() -> UInt64? {
        guard let text = SmallProcFile.readText("\(procRoot)/meminfo", limit: 256),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kilobytes = line.split(separator: " ").dropFirst().first.flatMap({ UInt64($0) }) else { return nil }
        return kilobytes * 1024
    }

    private static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
