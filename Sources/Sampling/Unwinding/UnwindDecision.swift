/// What the unwinding policy decided for one process, and on what evidence.
/// The CLI, the TUI and the service choose the words.
public enum UnwindDecision: Equatable, Sendable {
    /// Frame-pointer stacks reach a thread entry: the process stays on frame pointers.
    case framePointers(pid: Int32, stacks: UInt64, incomplete: UInt64)
    /// Frame-pointer stacks break in frameless code: the process moves to DWARF.
    case dwarf(pid: Int32, stacks: UInt64, incomplete: UInt64)
    /// DWARF was wanted but could not be loaded: the process stays on frame pointers.
    case dwarfUnavailable(pid: Int32, stacks: UInt64, incomplete: UInt64)
    /// DWARF samples stopped for a too-small stack copy: the copy grows.
    case stackCopyGrown(pid: Int32, from: Int, to: Int)
    /// A person asked for a mode (the TUI's `w` key).
    case requested(pid: Int32, mode: UnwindPolicy.ProcessMode)

    public var pid: Int32 {
        switch self {
        case .framePointers(let pid, _, _), .dwarf(let pid, _, _), .dwarfUnavailable(let pid, _, _),
             .stackCopyGrown(let pid, _, _), .requested(let pid, _):
            return pid
        }
    }
}

/// The decisions of a session, bounded: counts by kind, plus the first decisions
/// in full (for a one-process session, the one that matters).
public struct UnwindDecisionLog: Equatable, Sendable {
    public static let keptInFull = 32

    public private(set) var processesOnFramePointers = 0
    public private(set) var processesOnDwarf = 0
    public private(set) var processesWithoutDwarf = 0
    public private(set) var stackCopiesGrown = 0
    /// The first `keptInFull` decisions, in order.
    public private(set) var first: [UnwindDecision] = []
    /// The largest stack copy any process uses (0 while none is on DWARF).
    public private(set) var largestStackCopy = 0

    public init() {}

    public mutating func record(_ decision: UnwindDecision) {
        switch decision {
        case .framePointers: processesOnFramePointers += 1
        case .dwarf: processesOnDwarf += 1
        case .dwarfUnavailable: processesWithoutDwarf += 1
        case .stackCopyGrown(_, _, let to):
            stackCopiesGrown += 1
            largestStackCopy = max(largestStackCopy, to)
        case .requested: break
        }
        if first.count < Self.keptInFull { first.append(decision) }
    }

    /// The decisions about one process, in order.
    public func decisions(for pid: Int32) -> [UnwindDecision] {
        first.filter { $0.pid == pid }
    }

    public var isEmpty: Bool { first.isEmpty }
}
