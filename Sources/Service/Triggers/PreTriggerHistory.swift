import Sampling

/// Where a triggered session gets the seconds before its trigger fired: the rewind
/// history's recorder (`HistoryRecorder`, the TUI's 19 Hz sampler), or a test's stand-in.
/// The watcher tells it which processes the rules could match after each read of /proc,
/// and takes the firing process's part when a rule fires; the session that part seeds
/// begins with those seconds, marked as its low-rate part.
protocol PreTriggerHistory: Sendable {
    /// Keep only these processes from now on; nil: every process.
    func record(only pids: Set<Int32>?)
    func takeSeed(pid: Int32) -> HistorySeed?
    func status() -> HistoryStatus
}

extension HistoryRecorder: PreTriggerHistory {}
