/// Which processes the pre-trigger history keeps, from the rules and the processes the
/// watcher last read: those a rule names by PID, and those whose command a rule names.
/// A cgroup rule could match any process (the watcher reads cgroups only of processes
/// hot enough to matter), so with one the history keeps every process.
enum HistoryAdmission {
    /// nil: every process.
    static func processes(for rules: [TriggerRule], seen samples: [ProcessCPUSample]) -> Set<Int32>? {
        var pids = Set<Int32>()
        var commands = Set<String>()
        for rule in rules {
            switch rule.match {
            case .pid(let pid): pids.insert(pid)
            case .command(let command): commands.insert(command)
            case .cgroup: return nil
            }
        }
        guard !commands.isEmpty else { return pids }
        for sample in samples where commands.contains(sample.command) { pids.insert(sample.pid) }
        return pids
    }
}
