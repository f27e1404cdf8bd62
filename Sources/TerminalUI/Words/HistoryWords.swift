import Sampling

/// How the process list speaks of the rewind history: what it holds and what it costs
/// (measured by the recorder), or why there is none.
enum HistoryWords {
    /// The info line's segment, and whether it is a warning. `status` is nil when the
    /// history is off by choice (`--history-rate 0`).
    static func line(_ status: HistoryStatus?) -> (text: String, isWarning: Bool) {
        guard let status else { return ("rewind off (--history-rate 0)", false) }
        switch status.phase {
        case .starting:
            return ("rewind \(status.hz) Hz: starting…", false)
        case .failed(let error):
            return ("rewind off: \(reason(error))", true)
        case .running, .stopped:
            var text = "rewind \(status.hz) Hz: \(NumberFormat.duration(status.heldSeconds)) held"
            text += ", cost " + cpu(status.cost)
            text += " · " + NumberFormat.bytes(UInt64(status.ringBytes))
                + " + " + NumberFormat.bytes(UInt64(status.cost.kernelMapBytes)) + " kernel"
            return (text, false)
        }
    }

    /// "0.08% CPU" (drain thread and BPF program), "0.02% CPU + BPF unmeasured" when the
    /// kernel keeps no BPF run times, "…" before two drains.
    static func cpu(_ cost: HistoryStatus.Cost) -> String {
        guard let share = cost.cpuShare else { return "…% CPU" }
        let percent = NumberFormat.fixed(share * 100, digits: 2) + "% CPU"
        return cost.programCPUShare == nil ? percent + " + BPF unmeasured" : percent
    }

    static func reason(_ error: SamplingError) -> String {
        switch error.kind {
        case .insufficientPrivileges: return "needs root (or CAP_BPF and CAP_PERFMON)"
        case .bpfUnavailable: return "eBPF unusable here (\(error.operation))"
        case .perfEventsUnavailable: return "no cpu-clock perf events"
        default: return error.operation
        }
    }
}
