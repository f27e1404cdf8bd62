import Profile

/// Decides, per process, how its user stacks are walked; never by discarding
/// samples. Under `auto` every process starts on frame pointers (the cheap
/// mode); after its first `decisionStacks` frame-pointer stacks it stays there
/// when they reach a thread entry, and moves to DWARF when too many break in
/// frameless code. A DWARF process whose samples stop for a too-small stack copy
/// gets a larger copy, up to the most the program can copy.
///
/// Pure: the session feeds it what each drain observed and applies what it
/// returns to the kernel's per-process table.
///
/// The threshold, measured with `flametop record -F 499 -d 2`: the ground truth
/// built with frame pointers reaches a thread entry in 100% of its stacks (PIE
/// and not, one or two threads); built with -fomit-frame-pointer, 0%; a
/// frame-pointer program whose hot path runs under glibc's frameless qsort, 0%.
/// A 10% share sits far from both groups. Over 20 stacks a process at the
/// threshold's edge may be decided either way; both modes give complete stacks
/// for it, DWARF at a higher cost.
public struct UnwindPolicy: Sendable {
    public enum ProcessMode: Equatable, Sendable {
        case framePointers
        case dwarf(stackBytes: Int)
    }

    public static let decisionStacks: UInt64 = 20
    public static let incompleteShareForDwarf = 0.10
    /// A drain in which at least this share of a process's DWARF samples (and at
    /// least `copyGrowthMinimumSamples` of them) stopped for a too-small copy
    /// doubles that process's copy.
    public static let copyGrowthShare = 0.02
    public static let copyGrowthMinimumSamples: UInt64 = 2
    public static let maximumStackCopy = SessionSettings.stackCopyRange.upperBound
    /// Processes whose state is kept; the oldest undecided go first beyond it.
    public static let trackedProcesses = 16_384

    public let setting: SessionSettings.UnwindMode
    public let defaultStackCopy: Int
    /// Whether the stack copy may grow by itself (not when `--stack-copy` was given).
    public let adaptsStackCopy: Bool
    /// False once DWARF failed to load: DWARF decisions become `dwarfUnavailable`.
    public var dwarfAvailable: Bool

    private var processes: [Int32: ProcessState] = [:]

    private struct ProcessState: Sendable {
        var stacks: UInt64 = 0
        var incomplete: UInt64 = 0
        var decided = false
        var mode: ProcessMode
    }

    public init(setting: SessionSettings.UnwindMode, defaultStackCopy: Int, adaptsStackCopy: Bool = true,
                dwarfAvailable: Bool = SessionSettings.UnwindMode.dwarfSupported) {
        self.setting = setting
        self.defaultStackCopy = defaultStackCopy
        self.adaptsStackCopy = adaptsStackCopy
        self.dwarfAvailable = dwarfAvailable
    }

    /// The mode of a process no decision has touched.
    public var defaultMode: ProcessMode {
        setting == .dwarf ? .dwarf(stackBytes: defaultStackCopy) : .framePointers
    }

    public func mode(of pid: Int32) -> ProcessMode {
        processes[pid]?.mode ?? defaultMode
    }

    /// Whether `auto` has still to decide for `pid`.
    public func isUndecided(_ pid: Int32) -> Bool {
        setting == .auto && !(processes[pid]?.decided ?? false)
    }

    /// Frame-pointer stacks drained for `pid`, and how many reached no thread entry.
    public mutating func observeFramePointerStacks(pid: Int32, stacks: UInt64, incomplete: UInt64) -> UnwindDecision? {
        guard setting == .auto, stacks > 0 else { return nil }
        var state = processes[pid] ?? ProcessState(mode: defaultMode)
        guard !state.decided else { return nil }
        state.stacks += stacks
        state.incomplete += incomplete
        var decision: UnwindDecision?
        if state.stacks >= Self.decisionStacks {
            state.decided = true
            if Double(state.incomplete) < Double(state.stacks) * Self.incompleteShareForDwarf {
                decision = .framePointers(pid: pid, stacks: state.stacks, incomplete: state.incomplete)
            } else if dwarfAvailable {
                state.mode = .dwarf(stackBytes: defaultStackCopy)
                decision = .dwarf(pid: pid, stacks: state.stacks, incomplete: state.incomplete)
            } else {
                decision = .dwarfUnavailable(pid: pid, stacks: state.stacks, incomplete: state.incomplete)
            }
        }
        store(pid, state)
        return decision
    }

    /// DWARF samples drained for `pid`, and how many stopped for a too-small copy.
    public mutating func observeDwarfSamples(pid: Int32, samples: UInt64, copyTooSmall: UInt64) -> UnwindDecision? {
        guard adaptsStackCopy, copyTooSmall >= Self.copyGrowthMinimumSamples,
              Double(copyTooSmall) >= Double(samples) * Self.copyGrowthShare,
              case .dwarf(let bytes) = mode(of: pid), bytes < Self.maximumStackCopy else { return nil }
        var state = processes[pid] ?? ProcessState(decided: true, mode: defaultMode)
        let grown = min(bytes * 2, Self.maximumStackCopy)
        state.mode = .dwarf(stackBytes: grown)
        store(pid, state)
        return .stackCopyGrown(pid: pid, from: bytes, to: grown)
    }

    /// A mode asked for by a person; it holds for the rest of the session.
    public mutating func request(_ mode: ProcessMode, for pid: Int32) -> UnwindDecision {
        var state = processes[pid] ?? ProcessState(mode: mode)
        state.mode = mode
        state.decided = true
        store(pid, state)
        return .requested(pid: pid, mode: mode)
    }

    /// The process exited: its state goes.
    public mutating func forget(pid: Int32) {
        processes[pid] = nil
    }

    /// Processes whose mode differs from the default (the kernel table holds these).
    public var processesOffDefault: [Int32] {
        processes.compactMap { $0.value.mode != defaultMode ? $0.key : nil }
    }

    public var trackedCount: Int { processes.count }

    /// Whether some process has frame-pointer stacks but no decision yet: the
    /// session drains sooner then, so the decision comes within its first stacks.
    public var hasUndecidedProcesses: Bool {
        setting == .auto && processes.values.contains { !$0.decided && $0.stacks > 0 }
    }

    private mutating func store(_ pid: Int32, _ state: ProcessState) {
        if processes[pid] == nil && processes.count >= Self.trackedProcesses {
            // Bounded: forget undecided processes first; they start over if seen again.
            let undecided = processes.filter { !$0.value.decided }.map(\.key)
            for victim in undecided.prefix(max(1, undecided.count / 2)) { processes[victim] = nil }
            if processes.count >= Self.trackedProcesses { return }
        }
        processes[pid] = state
    }
}
