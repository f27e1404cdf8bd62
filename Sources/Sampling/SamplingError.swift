import FoundationEssentials
import Glibc

/// A failure to set up or run sampling: what failed, the errno when a system call
/// said no, and what the user can do about it.
public struct SamplingError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        case noSuchProcess
        case kernelThread
        case insufficientPrivileges
        case bpfUnavailable
        case perfEventsUnavailable
        case invalidSettings
        case system
    }

    public var kind: Kind
    /// What was being done, e.g. "perf_event_open(cpu-clock, cpu 0)".
    public var operation: String
    /// The errno the kernel returned, or 0.
    public var errno: Int32
    /// What the user can do about it; empty when nothing useful can be said.
    public var hint: String

    public init(_ kind: Kind, operation: String, errno: Int32 = 0, hint: String = "") {
        self.kind = kind
        self.operation = operation
        self.errno = errno
        self.hint = hint
    }

    public var description: String {
        var text = operation
        if errno != 0 { text += ": \(String(cString: strerror(errno))) (errno \(errno))" }
        if !hint.isEmpty { text += "\nhint: \(hint)" }
        return text
    }

    /// An error for a failed call, classified by errno so the hint fits the cause.
    static func system(_ operation: String, errno code: Int32, hint: String = "") -> SamplingError {
        switch code {
        case EPERM, EACCES:
            return SamplingError(.insufficientPrivileges, operation: operation, errno: code,
                                 hint: hint.isEmpty ? Self.privilegeHint : hint)
        case ENOSYS:
            return SamplingError(.bpfUnavailable, operation: operation, errno: code,
                                 hint: hint.isEmpty ? "this kernel lacks the system call (CONFIG_BPF_SYSCALL / CONFIG_PERF_EVENTS)" : hint)
        default:
            return SamplingError(.system, operation: operation, errno: code, hint: hint)
        }
    }

    static let privilegeHint =
        "run as root (sudo flametop …), or grant CAP_BPF and CAP_PERFMON: sudo setcap cap_bpf,cap_perfmon+ep $(command -v flametop)"
}
