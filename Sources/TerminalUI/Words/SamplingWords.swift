import FoundationEssentials
import PlatformSupport
import Profile
import Sampling

/// How a terminal user (the live UI and the CLI's summaries) is told about
/// losses and unwinding decisions: with the flag or key that helps. The service
/// words its answers itself, without command-line hints.
public enum SamplingWords {
    public static func loss(_ loss: SampleLoss) -> String {
        switch loss {
        case .countsMapFull: return "samples dropped: counts map full (raise --max-stacks)"
        case .userStackMapFull: return "user stack map full (raise --stack-map-size)"
        case .userStackUnreadable: return "user stack unreadable"
        case .userStackOtherError: return "user stack other errors"
        case .kernelStackMapFull: return "kernel stack map full (raise --stack-map-size)"
        case .kernelStackUnreadable: return "kernel stack unreadable"
        case .kernelStackOtherError: return "kernel stack other errors"
        case .stackGoneAtDrain: return "stacks missing at drain"
        case .stackBudgetExceeded: return "stack budget exceeded: samples kept under their outermost frames (raise --memory-limit)"
        case .ringBufferFull: return "samples dropped: ring buffer full (slow consumer)"
        case .unwindQueueFull: return "samples dropped: DWARF unwinder too far behind (busy host; try a lower --frequency)"
        case .unwindSkippedBehind: return "unwind skipped: DWARF unwinder behind (leaf function kept)"
        case .unwindStackCopyTooSmall: return "unwind stopped: stack copy too small (copies grow up to 64 KB; or set --stack-copy)"
        case .unwindNoCFI: return "unwind stopped: no CFI"
        case .unwindUnmapped: return "unwind stopped: unmapped address"
        case .unwindDepthLimit: return "unwind stopped: depth limit"
        case .unwindOverBudget: return "unwind skipped: DWARF tables over the memory budget (raise --memory-limit)"
        case .offCPUTaskTableFull: return "off-CPU blocks not timed: task table full"
        case .offCPUSwitchOutMissed: return "off-CPU blocks not timed: switch-out not seen"
        case .offCPUCountsMapFull: return "off-CPU blocks dropped: counts map full (raise --max-stacks)"
        case .offCPUUserStackMapFull: return "off-CPU blocks without user stack: stack map full (raise --stack-map-size)"
        case .offCPUKernelStackMapFull: return "off-CPU blocks without kernel stack: stack map full (raise --stack-map-size)"
        case .offCPUUserStackUnreadable: return "off-CPU blocks with user stack unreadable"
        case .offCPUKernelStackUnreadable: return "off-CPU blocks with kernel stack unreadable"
        case .offCPUStackOtherError: return "off-CPU stack other errors"
        }
    }

    /// `name: count` for every loss that is not zero.
    public static func losses(_ statistics: SamplingStatistics) -> [(name: String, count: UInt64)] {
        statistics.nonZeroLosses.map { (loss($0.loss), $0.count) }
    }

    /// One line on how user stacks were walked, for the summary and the status line.
    public static func unwinding(_ snapshot: SessionSnapshot) -> String {
        var text = mode(snapshot)
        if let error = snapshot.dwarfUnavailable, snapshot.unwindDecisions.processesWithoutDwarf > 0 {
            text += "; DWARF unavailable: \(error.operation)" + (error.errno != 0 ? " (errno \(error.errno))" : "")
        }
        return text
    }

    private static func mode(_ snapshot: SessionSnapshot) -> String {
        let log = snapshot.unwindDecisions
        let statistics = snapshot.statistics
        switch snapshot.settings.target {
        case .process(let pid):
            let decisions = log.decisions(for: pid)
            var text: String
            switch snapshot.unwind {
            case .auto: text = "auto: frame pointers (too few stacks to decide)"
            case .framePointers: text = snapshot.settings.unwind == .framePointers ? "frame pointers" : "auto: frame pointers"
            case .dwarf: text = snapshot.settings.unwind == .dwarf ? "DWARF" : "auto: DWARF"
            }
            if let why = decisions.lazy.compactMap(evidence).first { text += " (\(why))" }
            if let copy = snapshot.stackCopyBytes, decisions.contains(where: { if case .stackCopyGrown = $0 { return true }; return false }) {
                text += "; stack copy grown to \(copy / 1024) KB"
            }
            if snapshot.unwind == .framePointers, snapshot.settings.unwind == .framePointers,
               statistics.framePointerStacks >= UnwindPolicy.decisionStacks,
               Double(statistics.framePointerStacksIncomplete) >= Double(statistics.framePointerStacks) * UnwindPolicy.incompleteShareForDwarf {
                let percent = Int((Double(statistics.framePointerStacksIncomplete) * 100 / Double(statistics.framePointerStacks)).rounded())
                text += "; \(percent)% of \(statistics.framePointerStacks) stacks reach no thread entry (code without frame pointers): try --unwind auto or dwarf"
            }
            return text
        case .allProcesses:
            switch snapshot.settings.unwind {
            case .framePointers: return "frame pointers"
            case .dwarf: return "DWARF" + grown(log)
            case .auto:
                return "auto, per process: \(log.processesOnFramePointers) on frame pointers, \(log.processesOnDwarf) on DWARF"
                    + (log.processesWithoutDwarf > 0 ? ", \(log.processesWithoutDwarf) wanted DWARF" : "")
                    + grown(log)
                    + (statistics.framePointerSamples > 0 && statistics.dwarfSamples > 0
                        ? " (\(statistics.framePointerSamples) frame-pointer and \(statistics.dwarfSamples) DWARF samples)" : "")
            }
        }
    }

    /// "memory: 38 MB resident, budget 64 MB (symbolizer 12 MB, unwinder 3 MB, stacks 1 MB)",
    /// and what degraded when a share ran out.
    public static func memory(_ report: MemoryReport) -> String {
        func megabytes(_ bytes: Int) -> String {
            if bytes >= 10 << 20 { return "\(bytes >> 20) MB" }
            if bytes >= 1 << 20 { return String(cFormat: "%.1f MB", Double(bytes) / 1048576) }
            return "\(max(1, bytes >> 10)) KB"
        }
        let parts: [String] = MemoryBudget.Category.allCases.compactMap { category in
            guard let usage = report.categories[category], usage.bytes > 0 else { return nil }
            return "\(category.rawValue) \(megabytes(usage.bytes))"
        }
        var text = "memory: "
        if let resident = report.residentBytes { text += megabytes(resident) + " resident, " }
        text += "budget \(megabytes(report.limitBytes)) (\(parts.joined(separator: ", ")))"
        for category in report.degraded {
            let refusals = report.categories[category]?.refusals ?? 0
            switch category {
            case .symbolizer: text += "; over budget: \(refusals) modules named from symbol tables only (no lines, no inlined frames)"
            case .unwinder: text += "; over budget: an unwinding table did not fit \(refusals) times (idle processes' dropped, new ones skipped while others are busy)"
            case .stacks, .slices: text += "; over budget: \(category.rawValue) refused \(refusals) times"
            }
        }
        if !report.degraded.isEmpty { text += " (raise --memory-limit)" }
        return text
    }

    private static func grown(_ log: UnwindDecisionLog) -> String {
        log.stackCopiesGrown == 0 ? "" : "; \(log.stackCopiesGrown) stack copies grown (largest \(log.largestStackCopy / 1024) KB)"
    }

    /// "PID 123: DWARF (only 0% of the first 20 frame-pointer stacks were complete)".
    public static func decision(_ decision: UnwindDecision) -> String {
        switch decision {
        case .framePointers(let pid, _, _): return "PID \(pid): frame pointers (\(evidence(decision) ?? ""))"
        case .dwarf(let pid, _, _): return "PID \(pid): DWARF (\(evidence(decision) ?? ""))"
        case .dwarfUnavailable(let pid, _, _): return "PID \(pid): frame pointers, DWARF unavailable (\(evidence(decision) ?? ""))"
        case .stackCopyGrown(let pid, let from, let to): return "PID \(pid): stack copy \(from / 1024) KB → \(to / 1024) KB (unwinds stopped at its end)"
        case .requested(let pid, let mode): return "PID \(pid): \(mode == .framePointers ? "frame pointers" : "DWARF") (switched by hand)"
        }
    }

    private static func evidence(_ decision: UnwindDecision) -> String? {
        func percent(_ part: UInt64, _ whole: UInt64) -> Int {
            whole == 0 ? 0 : Int((Double(part) * 100 / Double(whole)).rounded())
        }
        switch decision {
        case .framePointers(_, let stacks, let incomplete):
            return "\(percent(stacks - incomplete, stacks))% of the first \(stacks) stacks reach a thread entry"
        case .dwarf(_, let stacks, let incomplete), .dwarfUnavailable(_, let stacks, let incomplete):
            return "only \(percent(stacks - incomplete, stacks))% of the first \(stacks) frame-pointer stacks were complete"
        case .requested: return "switched by hand"
        case .stackCopyGrown: return nil
        }
    }
}
