import Profile
import Sampling

/// Why a recording can hold very few samples, for the end-of-run summary: sampling counts
/// on-CPU time only (the `cpu-clock` event fires while a thread runs), so a target that
/// sleeps, waits on I/O or locks, or a quiet machine, leaves few samples however long it
/// is recorded. `RecordSummary` (or whoever prints the summary) calls `text(for:)`.
enum FewSamplesNote {
    /// Below this share of one busy CPU's samples a recording counts as "very few".
    static let threshold = 0.05

    /// The note for a recording of `samples` over `seconds` at `frequency` Hz, nil when the
    /// count is not small (or nothing was timed).
    static func text(samples: UInt64, seconds: Double, frequency: Int, wholeSystem: Bool) -> String? {
        let busyCPU = seconds * Double(frequency)
        guard busyCPU >= 20, Double(samples) < busyCPU * threshold else { return nil }
        let percent = Double(samples) / busyCPU * 100
        let share = percent < 0.1 ? "under 0.1%" : "\(Int(percent.rounded(.up)))%"
        let who = wholeSystem ? "the machine was mostly idle" : "the target was mostly off CPU (sleeping, waiting on I/O, "
            + "locks or the network) or idle"
        let count = samples == 0 ? "no samples" : "only \(samples) sample\(samples == 1 ? "" : "s")"
        return "note: \(count), \(share) of what one busy CPU gives in that time: flametop samples "
            + "on-CPU time only, so \(who); `--mode off` shows where the time off the CPU goes (by blocking stack)"
    }

    static func text(for snapshot: SessionSnapshot) -> String? {
        guard snapshot.settings.mode == .cpu else { return nil } // off and wall count time, not samples
        let wholeSystem: Bool
        if case .allProcesses = snapshot.settings.target { wholeSystem = true } else { wholeSystem = false }
        // Samples the kernel took but the profile lost (counted, or walked, and then not kept)
        // mean the target did run: the note would not be true then.
        let taken = max(snapshot.counts.totalSamples, snapshot.statistics.samplesCounted,
                        snapshot.statistics.framePointerStacks)
        guard let note = text(samples: taken, seconds: snapshot.elapsed, frequency: snapshot.settings.frequency,
                              wholeSystem: wholeSystem) else { return nil }
        return note
    }
}
