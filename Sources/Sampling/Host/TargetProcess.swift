import CLibbpf
import FoundationEssentials

/// The process a session profiles: validated up front (it exists, it is not a
/// kernel thread) and watched for exit through a pidfd (Linux 5.3), or by
/// reading its state from /proc where pidfds are not available.
public final class TargetProcess {
    public let pid: Int32
    /// The kernel's short command name (`comm`).
    public let name: String
    /// pidfd_open's descriptor, readable once the process exits; -1 without pidfds.
    let exitFD: Int32

    /// PF_KTHREAD in /proc/PID/stat's flags field (include/linux/sched.h).
    static let kernelThreadFlag: UInt64 = 0x0020_0000

    public init(pid: Int32, usePidfd: Bool = true) throws(SamplingError) {
        guard pid > 0, let stat = ProcessStat.read(pid: pid), stat.state != "Z", stat.state != "X" else {
            throw SamplingError(.noSuchProcess, operation: "find process \(pid)", errno: ESRCH,
                                hint: "no process has PID \(pid); pick one from `ps -e` or run `flametop` to browse")
        }
        if stat.flags & Self.kernelThreadFlag != 0 {
            throw SamplingError(.kernelThread, operation: "profile process \(pid) (\(stat.comm))",
                                hint: "\(stat.comm) is a kernel thread: it has no user stack to sample; use `flametop record --all` to see kernel work")
        }
        self.pid = pid
        name = stat.comm
        exitFD = usePidfd ? ft_pidfd_open(pid) : -1
    }

    deinit {
        if exitFD >= 0 { close(exitFD) }
    }

    /// Whether the process has exited (or become a zombie), checked via /proc.
    public var hasExited: Bool {
        guard let stat = ProcessStat.read(pid: pid) else { return true }
        return stat.state == "Z" || stat.state == "X"
    }
}

/// The fields of /proc/PID/stat flametop needs. `comm` may hold spaces and
/// parentheses, so fields are counted from the last `)`.
struct ProcessStat {
    var comm: String
    var state: Character
    var flags: UInt64
    /// utime + stime: the CPU time of the process's threads, in clock ticks.
    var cpuTicks: UInt64 = 0

    /// `cpuTicks` in seconds.
    var cpuSeconds: Double { Double(cpuTicks) / Double(max(sysconf(Int32(_SC_CLK_TCK)), 1)) }

    static func read(pid: Int32) -> ProcessStat? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return nil }
        return parse(text)
    }

    static func parse(_ text: String) -> ProcessStat? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")") else { return nil }
        let comm = String(text[text.index(after: open)..<close])
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After comm: state(3) ppid pgrp session tty_nr tpgid flags(9): index 6 here.
        guard fields.count > 6, let state = fields[0].first, let flags = UInt64(fields[6]) else { return nil }
        // utime(14) and stime(15): indexes 11 and 12 here.
        let ticks = fields.count > 12 ? (UInt64(fields[11]) ?? 0) + (UInt64(fields[12]) ?? 0) : 0
        return ProcessStat(comm: comm, state: state, flags: flags, cpuTicks: ticks)
    }

    /// Whether `pid` is a kernel thread (cached by the caller: it cannot change).
    static func isKernelThread(pid: Int32) -> Bool {
        guard let stat = read(pid: pid) else { return false }
        return stat.flags & TargetProcess.kernelThreadFlag != 0
    }
}
