import FoundationEssentials
import PlatformSupport
import Profile
import Sampling

/// How off-CPU and wall-clock figures are told to a terminal user: times in
/// ms or s, the unit of the counts said outright.
public enum OffCPUWords {
    /// 850 µs, 12.3 ms, 4.56 s.
    public static func time(microseconds: UInt64) -> String {
        let value = Double(microseconds)
        if value < 1000 { return "\(microseconds) µs" }
        if value < 1_000_000 { return String(cFormat: "%.1f ms", value / 1000) }
        return String(cFormat: "%.2f s", value / 1_000_000)
    }

    /// What a count is, for the summary's first line and the status line.
    public static func unit(_ mode: ProfileMode) -> String {
        switch mode {
        case .cpu: return "samples"
        case .off: return "µs off-CPU"
        case .wall: return "µs wall-clock"
        }
    }

    /// The mode's name as the status line shows it.
    public static func name(_ mode: ProfileMode) -> String {
        switch mode {
        case .cpu: return "CPU"
        case .off: return "off-CPU"
        case .wall: return "wall"
        }
    }

    /// "off-CPU: 1234 blocks from 1 ms (4.56 s), 5678 shorter (12.3 ms, not in the profile);
    /// 2 blocked since before the start (counted from it), 1 still blocked at the end (counted to it)".
    public static func summary(_ statistics: OffCPUStatistics, thresholdMicroseconds: Int) -> String {
        var text = "off-CPU: \(statistics.blocks) blocks from \(time(microseconds: UInt64(thresholdMicroseconds)))"
            + " (\(time(microseconds: statistics.blockedMicroseconds)))"
        text += ", \(statistics.shortBlocks) shorter (\(time(microseconds: statistics.shortBlockedMicroseconds)), not in the profile)"
        if statistics.blockedBeforeStart > 0 {
            text += "; \(statistics.blockedBeforeStart) blocked since before the start (timed from it, under [blocked since before the session])"
        }
        if statistics.stillBlockedAtEnd > 0 {
            text += "; \(statistics.stillBlockedAtEnd) still blocked at the end (timed up to it)"
        }
        if statistics.lostMicroseconds > 0 {
            text += "; \(time(microseconds: statistics.lostMicroseconds)) lost"
        }
        return text
    }

    /// The profile with each blocked stack's scheduler leaf (`schedule`, `__schedule`)
    /// taken off, for "top functions by self time": every off-CPU stack ends in
    /// the scheduler, and the frame above it names the wait (`do_nanosleep`, `pipe_read`).
    public static func withoutSchedulerLeaves(_ counts: StackCounts) -> StackCounts {
        var trimmed = StackCounts()
        for (stack, count) in counts.counts {
            var frames = stack.frames
            while frames.count > 1, let leaf = frames.last, leaf.kind == .kernel, schedulerFrames.contains(leaf.function) {
                frames.removeLast()
            }
            trimmed.add(frames.count == stack.frames.count ? stack : Stack(frames), count: count)
        }
        return trimmed
    }

    private static let schedulerFrames: Set<String> = ["__schedule", "schedule", "finish_task_switch",
                                                       "finish_task_switch.isra.0"]
}
