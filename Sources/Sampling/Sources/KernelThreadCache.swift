/// Whether a sampled PID is a kernel thread (no user space, so a missing user stack
/// is not a loss), read from /proc once per PID. PIDs are reused: a long
/// system-wide session starts the cache over rather than let it grow.
struct KernelThreadCache {
    private var known: [Int32: Bool] = [:]
    private static let capacity = 4096

    mutating func isKernelThread(_ pid: Int32) -> Bool {
        if let answer = known[pid] { return answer }
        if known.count >= Self.capacity { known.removeAll(keepingCapacity: true) }
        let answer = ProcessStatLine.read(pid: pid)?.isKernelThread ?? false
        known[pid] = answer
        return answer
    }
}
