import Sampling

extension ProcessIDKind {
    /// Why `--pid` cannot take this PID; nil for a process (or nothing: the session says so).
    func problem(pid: Int32) -> String? {
        switch self {
        case .thread(let process):
            "\(pid) is a thread of process \(process), not a process: use --pid \(process) (all of its threads are sampled)"
        case .zombie:
            "process \(pid) is a zombie: it has already exited (its parent has not reaped it), so there is nothing to sample"
        case .process, .none:
            nil
        }
    }
}
