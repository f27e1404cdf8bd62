import Profile

/// `--unwind auto`: sample with frame pointers (the cheap mode) and switch to
/// DWARF once the first stacks show that frame pointers cannot walk this
/// target. A frame-pointer stack counts as complete when one of its user frames
/// is a thread entry (`main`, `start_thread`, …): a walk that breaks in a
/// frameless function ends before any of them.
///
/// Measured with `flametop record --frequency 499 --duration 2` (the first
/// drain decides): the ground truth built with frame pointers reaches a thread
/// entry in 100% of 250 stacks (PIE and not), its two-thread variant in 100%
/// of 503; built with -fomit-frame-pointer, 0% of 250; a frame-pointer binary
/// whose hot path is a comparator called by glibc's qsort, 0% (the walk breaks
/// inside the frameless libc). A 10% threshold sits far from both groups and
/// still catches a frame-pointer program that spends a tenth of its time under
/// a frameless library; 50 stacks keep the decision's noise (binomial σ of a
/// 10% share over 50 stacks: 4 pp) well inside that margin.
public enum AutoUnwindRule {
    public static let minimumStacks: UInt64 = 50
    public static let incompleteShareForDwarf = 0.10

    public enum Verdict: Equatable, Sendable {
        case undecided
        case keepFramePointers
        case switchToDwarf
    }

    public static func verdict(stacks: UInt64, incomplete: UInt64) -> Verdict {
        guard stacks >= minimumStacks else { return .undecided }
        return Double(incomplete) / Double(stacks) >= incompleteShareForDwarf ? .switchToDwarf : .keepFramePointers
    }

    /// Functions that start a thread's user stack (C runtime, glibc threads, Go,
    /// Rust's std, which ends in start_thread or clone3 too).
    static let threadEntries: Set<String> = [
        "main", "_start", "__libc_start_main", "__libc_start_call_main", "_dl_start_user",
        "start_thread", "clone", "clone3", "__clone", "__clone3", "__clone_internal",
        "runtime.goexit", "runtime.main", "runtime.mstart", "runtime.rt0_go",
    ]

    /// Whether a symbolized user stack (any order) reaches a thread entry.
    public static func reachesThreadEntry(_ frames: [Frame]) -> Bool {
        frames.contains { frame in
            let name = frame.function
            // Dynamic symbols may carry a version: __libc_start_main@@GLIBC_2.34.
            guard let at = name.firstIndex(of: "@") else { return threadEntries.contains(name) }
            return threadEntries.contains(String(name[..<at]))
        }
    }

    /// The share (0–100) of frame-pointer stacks that reach no thread entry, when it
    /// is enough for the rule to prefer DWARF; nil otherwise.
    public static func incompletePercent(_ statistics: SamplingStatistics) -> Double? {
        let stacks = statistics.framePointerStacks
        let incomplete = statistics.framePointerStacksIncomplete
        guard verdict(stacks: stacks, incomplete: incomplete) == .switchToDwarf else { return nil }
        return Double(incomplete) * 100 / Double(stacks)
    }
}
