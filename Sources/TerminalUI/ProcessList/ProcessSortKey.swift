import Sampling

/// Orders of the process list, each with the key that selects it (htop's letters
/// where htop has one). Pressing the key of the current order reverses it.
public enum ProcessSortKey: String, Sendable, CaseIterable {
    case cpu, memory, pid, threads, user, command
    /// Voluntary context switches per second: the processes that block most
    /// (candidates for `record --mode off`).
    case waiting

    public var key: Character {
        switch self {
        case .cpu: "P"
        case .memory: "M"
        case .pid: "N"
        case .threads: "T"
        case .user: "U"
        case .command: "C"
        case .waiting: "W"
        }
    }

    public var title: String {
        switch self {
        case .cpu: "CPU%"
        case .memory: "memory"
        case .pid: "PID"
        case .threads: "threads"
        case .user: "user"
        case .command: "command"
        case .waiting: "waits/s (voluntary context switches)"
        }
    }

    /// Numbers sort largest first, names alphabetically, by default.
    public var descendingByDefault: Bool {
        switch self {
        case .cpu, .memory, .threads, .waiting: true
        case .pid, .user, .command: false
        }
    }

    public static func forKey(_ character: Character) -> ProcessSortKey? {
        allCases.first { $0.key == character }
    }

    /// Whether `left` comes before `right`. Ties fall to the PID, ascending in either
    /// direction, so the order is stable from one refresh to the next.
    func precedes(_ left: ProcessTableEntry, _ right: ProcessTableEntry, descending: Bool) -> Bool {
        let order = compare(left, right)
        if order == 0 { return left.pid < right.pid }
        return descending ? order > 0 : order < 0
    }

    private func compare(_ left: ProcessTableEntry, _ right: ProcessTableEntry) -> Int {
        func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a > b ? 1 : 0) }
        switch self {
        case .cpu: return sign(left.cpuPercent, right.cpuPercent)
        case .memory: return sign(left.residentBytes, right.residentBytes)
        case .pid: return sign(left.pid, right.pid)
        case .threads: return sign(left.threads, right.threads)
        case .user: return sign(left.user, right.user)
        case .command: return sign(left.commandLine, right.commandLine)
        case .waiting: return sign(left.waitsPerSecond, right.waitsPerSecond)
        }
    }
}
