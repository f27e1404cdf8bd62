import FoundationEssentials

/// The threads of a process, from /proc/PID/task.
enum ThreadList {
    static func threads(of pid: Int32) -> Set<Int32> {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else {
            return []
        }
        return Set(names.compactMap { Int32($0) })
    }
}
