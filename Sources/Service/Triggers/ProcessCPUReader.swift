import Sampling
/// Reads the CPU usage of processes from /proc for the trigger watcher: the delta of
/// utime + stime between two reads over the time between them (100% = one CPU, all
/// threads together). A process is sampled from its second read on; kernel threads
/// are left out (they have no user stacks to profile).
struct ProcessCPUReader {
    /// Which processes to read: the PIDs rules name, or all (a rule names a command or cgroup).
    enum Scope: Equatable {
        case pids([Int32])
        case all
    }

    let scope: Scope
    /// Cgroups are read (one more file) only for processes above this CPU%: the lowest
    /// threshold of the cgroup rules; nil when no rule needs them.
    let cgroupsAbove: Double?
    let procRoot: String
    private var previous: [Int32: (startTicks: UInt64, cpuTicks: UInt64, at: ContinuousClock.Instant)] = [:]

    init(rules: [TriggerRule], procRoot: String = "/proc") {
        let pids = rules.compactMap { rule -> Int32? in
            if case .pid(let pid) = rule.match { return pid }
            return nil
        }
        scope = pids.count == rules.count ? .pids(Array(Set(pids)).sorted()) : .all
        cgroupsAbove = rules.filter(\.match.needsCgroups).map(\.cpuPercent).min()
        self.procRoot = procRoot
    }

    /// The processes' usage since the previous call, at `now`.
    mutating func read(at now: ContinuousClock.Instant) -> [ProcessCPUSample] {
        let pids: [Int32]
        switch scope {
        case .pids(let named): pids = named
        case .all: pids = SmallProcFile.numericEntries(of: procRoot)
        }
        var seen: [Int32: (startTicks: UInt64, cpuTicks: UInt64, at: ContinuousClock.Instant)] = [:]
        var samples: [ProcessCPUSample] = []
        for pid in pids {
            guard let stat = ProcessStatLine.read(path: "\(procRoot)/\(pid)/stat"),
                  !stat.isKernelThread else { continue }
            seen[pid] = (stat.startTicks, stat.cpuTicks, now)
            guard let before = previous[pid], before.startTicks == stat.startTicks, stat.cpuTicks >= before.cpuTicks else {
                continue
            }
            let elapsed = Self.seconds(now - before.at)
            guard elapsed > 0 else { continue }
            let percent = Double(stat.cpuTicks - before.cpuTicks) / ProcessStatLine.ticksPerSecond / elapsed * 100
            var sample = ProcessCPUSample(pid: pid, startTicks: stat.startTicks, command: stat.command,
                                          cpuPercent: percent, measuredSince: before.at)
            if let cgroupsAbove, percent > cgroupsAbove { sample.cgroups = cgroups(of: pid) }
            samples.append(sample)
        }
        previous = seen
        return samples
    }

    /// The paths of /proc/PID/cgroup: "0::/system.slice/x.service" under cgroup v2,
    /// one line per hierarchy ("4:cpu,cpuacct:/x") under v1.
    private func cgroups(of pid: Int32) -> [String] {
        guard let bytes = SmallProcFile.read("\(procRoot)/\(pid)/cgroup", limit: 16 * 1024) else { return [] }
        return Self.cgroupPaths(String(decoding: bytes, as: UTF8.self))
    }

    static func cgroupPaths(_ text: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            return parts.count == 3 ? String(parts[2]) : nil
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
