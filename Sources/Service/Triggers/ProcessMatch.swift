/// Which processes a trigger rule watches: one PID, every process with a command name,
/// or every process in a cgroup (v2 path, as in /proc/PID/cgroup) or below it.
public enum ProcessMatch: Sendable, Equatable {
    case pid(Int32)
    /// The command name as /proc/PID/stat gives it (the kernel keeps 15 bytes of it).
    case command(String)
    /// A cgroup path starting with `/`; a process in it or in a cgroup below it matches.
    case cgroup(String)

    /// The longest command name the kernel keeps (TASK_COMM_LEN 16, with its NUL).
    public static let commandLength = 15

    /// Whether `sample` is one of this rule's processes. A cgroup rule needs the sample's
    /// cgroups (the watcher reads them only for processes hot enough to matter).
    public func matches(_ sample: ProcessCPUSample) -> Bool {
        switch self {
        case .pid(let pid): return sample.pid == pid
        case .command(let name): return sample.command == name
        case .cgroup(let path): return sample.cgroups.contains { Self.path($0, isWithin: path) }
        }
    }

    /// `/a/b` is within `/a` and `/a/b`, not `/ab`.
    static func path(_ candidate: String, isWithin ancestor: String) -> Bool {
        if ancestor == "/" || candidate == ancestor { return true }
        return candidate.hasPrefix(ancestor) && candidate.dropFirst(ancestor.count).first == "/"
    }

    /// Whether matching needs the processes' cgroups.
    public var needsCgroups: Bool {
        if case .cgroup = self { return true }
        return false
    }
}

extension ProcessMatch: CustomStringConvertible {
    /// "pid 1234", "comm nginx", "cgroup /system.slice/app.service".
    public var description: String {
        switch self {
        case .pid(let pid): "pid \(pid)"
        case .command(let name): "comm \(name)"
        case .cgroup(let path): "cgroup \(path)"
        }
    }
}
