import FoundationEssentials
import PlatformSupport
import Profile
import Sampling

/// The one-screen report `record` prints when it ends: what was sampled, why it
/// stopped, the hottest functions, and every loss counter that is not zero.
public struct RecordSummary {
    public var snapshot: SessionSnapshot
    public var outputPath: String?
    /// The signal that stopped the session, if one did (e.g. "SIGINT").
    public var stopSignal: String?
    public var topCount = 10
    /// The profile could not be written anywhere: every sample is lost.
    public var profileLost = false
    /// Lines the output holds, when they differ from the unique stacks (stacks that
    /// print alike share a line): the summary counts what the file has.
    public var stacksWritten: Int?
    /// flametop's own CPU time over the session: said where every process was sampled but
    /// flametop itself (the BPF programs leave it out).
    public var ownCPUSeconds: Double?
    /// Drains this much later than their interval mean the host starved flametop of CPU.
    public static let starvedLag = 1.0

    public init(snapshot: SessionSnapshot, outputPath: String?, stopSignal: String?) {
        self.snapshot = snapshot
        self.outputPath = outputPath
        self.stopSignal = stopSignal
    }

    public var text: String {
        var lines: [String] = []
        let counts = snapshot.counts
        let what: String
        switch snapshot.settings.target {
        case .process(let pid): what = "PID \(pid) (\(snapshot.targetName))"
        case .allProcesses: what = "all processes"
        }
        let mode = snapshot.settings.mode
        switch mode {
        case .cpu:
            lines.append("flametop: recorded \(what) for " + String(cFormat: "%.1f s at %d Hz: %llu samples, %d unique stacks",
                                snapshot.elapsed, snapshot.settings.frequency,
                                counts.totalSamples, stacksWritten ?? counts.uniqueStacks))
        case .off, .wall:
            lines.append("flametop: recorded \(what) for " + String(cFormat: "%.1f s: ", snapshot.elapsed)
                         + "\(OffCPUWords.time(microseconds: counts.totalSamples)) of \(mode == .off ? "off-CPU" : "wall-clock") time, "
                         + "\(stacksWritten ?? counts.uniqueStacks) unique stacks (folded counts are microseconds)")
            lines.append(OffCPUWords.summary(snapshot.statistics.offCPU,
                                             thresholdMicroseconds: snapshot.settings.offCPUThresholdMicroseconds))
        }
        lines.append("ended: \(ending)")
        if case .allProcesses = snapshot.settings.target, let ownCPUSeconds {
            lines.append("flametop itself is not sampled: " + String(cFormat: "it used %.2f s of CPU (%.1f%% of one core)",
                         ownCPUSeconds, snapshot.elapsed > 0 ? ownCPUSeconds / snapshot.elapsed * 100 : 0))
        }
        if let starved = starvation { lines.append(starved) }
        if let shortfall { lines.append(shortfall) }
        lines.append("unwind: \(unwinding)")
        if let memory = snapshot.memory { lines.append(SamplingWords.memory(memory)) }
        if let outputPath { lines.append("wrote \(outputPath)") }

        let top = FunctionStats(mode == .cpu ? counts : OffCPUWords.withoutSchedulerLeaves(counts)).sorted(by: .selfSamples).filter { $0.selfSamples > 0 }.prefix(topCount)
        if !top.isEmpty {
            lines.append("")
            lines.append("top \(top.count) functions by self time:")
            lines.append(mode == .cpu ? "   self%  total%   samples  function" : "   self%  total%       time  function")
            for stat in top {
                let module = stat.identity.module.map { $0.hasPrefix("[") ? "  \($0)" : "  [\($0)]" } ?? ""
                let suffix = stat.identity.kind == .kernel ? " [k]" : ""
                let location = stat.location.map { "  \($0)" } ?? ""
                let amount = mode == .cpu ? String(cFormat: "%8llu", stat.selfSamples)
                    : OffCPUWords.time(microseconds: stat.selfSamples).leftPadded(to: 10)
                lines.append(String(cFormat: "  %5.1f%%  %5.1f%%  ", stat.selfPercent, stat.totalPercent)
                             + amount + "  " + stat.identity.function + suffix + module + location)
            }
        }

        let losses = SamplingWords.losses(snapshot.statistics)
        lines.append("")
        if profileLost {
            lines.append("losses: all \(counts.totalSamples) samples: the profile could not be written (see above)")
        } else if losses.isEmpty {
            lines.append("losses: none")
        } else {
            lines.append("losses:")
            for loss in losses { lines.append("  \(loss.name): \(loss.count)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private var unwinding: String { SamplingWords.unwinding(snapshot) }

    /// Samples are checked against the target's own CPU time: fewer than 75% of
    /// what it should give is said, with the likely cause and the remedy.
    public static let coverageFloor = 0.75

    private var shortfall: String? {
        guard let coverage = snapshot.sampleCoverage else { return nil }
        let share = Double(coverage.counted) / coverage.expected
        guard share < Self.coverageFloor else { return nil }
        let perTask = snapshot.settings.eventScope != .perCPU
        return String(cFormat: "samples short: %llu of the ~%.0f the target's %.2f s of CPU should give at %d Hz (%.0f%%)",
                      coverage.counted, coverage.expected, snapshot.targetCPUSeconds ?? 0, snapshot.settings.frequency,
                      share * 100)
            + (perTask ? ": per-thread events miss much of a process that forks or switches constantly; "
                          + "--event-scope per-cpu samples it from every CPU instead" : "")
    }

    /// Drains that fell behind, and what that did to the duration.
    private var starvation: String? {
        let gap = Double(snapshot.statistics.longestDrainGapMicroseconds) / 1e6
        let interval = Double(snapshot.settings.drainIntervalMilliseconds) / 1000
        guard gap >= interval + Self.starvedLag else { return nil }
        var text = String(cFormat: "drains fell behind: %.1f s between two (one every %.1f s expected): "
                          + "the host is starved (flametop got too little CPU)", gap, interval)
        if let asked = snapshot.settings.duration, snapshot.elapsed > Double(asked) + 0.5 {
            text += String(cFormat: "; sampling ran %.1f s of the %d s asked, all of it in the profile", snapshot.elapsed, asked)
        }
        return text
    }

    private var ending: String {
        switch snapshot.state {
        case .running: return "still running"
        case .finished: return "duration elapsed"
        case .stopped: return "stopped by \(stopSignal ?? "request")"
        case .targetExited: return "the target process exited; its profile up to the exit is kept"
        case .failed(let reason): return "sampling failed: \(reason)"
        }
    }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
