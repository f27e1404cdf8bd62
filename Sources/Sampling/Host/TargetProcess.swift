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

    public init(pid: Int32, usePidfd: Bool = true) throws(SamplingError) {
        guard pid > 0, let stat = ProcessStatLine.read(pid: pid), stat.state != "Z", stat.state != "X" else {
            throw SamplingError(.noSuchProcess, operation: "find process \(pid)", errno: ESRCH,
                                hint: "no process has PID \(pid); pick one from `ps -e` or run `flametop` to browse")
        }
        if stat.isKernelThread {
            throw SamplingError(.kernelThread, operation: "profile process \(pid) (\(stat.command))",
                                hint: "\(stat.command) is a kernel thread: it has no user stack to sample; use `flametop record --all` to see kernel work")
        }
        self.pid = pid
        name = stat.command
        exitFD = usePidfd ? ft_pidfd_open(pid) : -1
    }

    deinit {
        if exitFD >= 0 { close(exitFD) }
    }

    /// Whether the process has exited (or become a zombie), checked via /proc.
    public var hasExited: Bool {
        guard let stat = ProcessStatLine.read(pid: pid) else { return true }
        return stat.state == "Z" || stat.state == "X"
    }
}
