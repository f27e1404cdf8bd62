import FoundationEssentials
import PlatformSupport

/// What a PID names, from /proc/PID/status: a process, a thread of another process (its
/// /proc entry exists although `ls /proc` does not list it), a zombie, or nothing. A
/// thread's ID passed as a PID used to be profiled as if it were the process; a zombie
/// was reported as "no such process".
public enum ProcessIDKind: Equatable, Sendable {
    case process
    case thread(ofProcess: Int32)
    /// Exited, not yet reaped by its parent: nothing left to sample.
    case zombie
    case none

    public static func of(_ pid: Int32) -> ProcessIDKind {
        guard pid > 0, let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else {
            return .none
        }
        var processID: Int32?
        var state: Character?
        for line in status.split(separator: "\n") {
            if line.hasPrefix("Tgid:") {
                processID = Int32(line.dropFirst(5).trimmed())
            } else if line.hasPrefix("State:") {
                state = line.dropFirst(6).trimmed().first
            }
        }
        if state == "Z" || state == "X" { return .zombie }
        if let processID, processID != pid { return .thread(ofProcess: processID) }
        return .process
    }
}
