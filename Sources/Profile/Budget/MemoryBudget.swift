import Synchronization

/// One memory budget for a session, split into categories that the parts of
/// flametop draw on before they allocate what grows with the input: DWARF
/// indexes (symbolizer), per-process unwinding state (unwinder), unique stacks,
/// time slices. A part that is refused degrades (names from symbol tables
/// only, fewer processes' CFI kept, …) and the refusal is counted, so the
/// summary and the status line can say so.
///
/// What it counts: the bytes each part says it holds or is about to take (its
/// own estimate of what it allocates or maps), not the resident size. The
/// session also records the resident size it reads from /proc, so what is
/// shown can be checked against what the kernel charges.
public final class MemoryBudget: Sendable {
    public enum Category: String, CaseIterable, Sendable {
        case symbolizer, unwinder, stacks, slices

        /// Each category's part of the limit, in percent.
        var share: Int {
            switch self {
            case .symbolizer: return 45
            case .unwinder: return 25
            case .stacks: return 20
            case .slices: return 10
            }
        }
    }

    public struct Usage: Sendable, Equatable {
        public var bytes = 0
        public var limit = 0
        public var refusals = 0
    }

    /// The default limit: a 5 s system-wide session on a busy host stays below it.
    public static let defaultLimitBytes = 64 << 20

    public let limitBytes: Int
    private let state: Mutex<[Category: Usage]>
    private let resident = Mutex<Int?>(nil)

    public init(limitBytes: Int = defaultLimitBytes) {
        self.limitBytes = limitBytes
        var usage: [Category: Usage] = [:]
        for category in Category.allCases {
            usage[category] = Usage(bytes: 0, limit: limitBytes / 100 * category.share, refusals: 0)
        }
        state = Mutex(usage)
    }

    /// Takes `bytes` for `category` when they fit its share; otherwise counts a
    /// refusal and takes nothing.
    public func reserve(_ bytes: Int, for category: Category) -> Bool {
        state.withLock { usage in
            var entry = usage[category]!
            defer { usage[category] = entry }
            guard entry.bytes + bytes <= entry.limit else {
                entry.refusals += 1
                return false
            }
            entry.bytes += bytes
            return true
        }
    }

    /// Takes `bytes` whatever the share (what cannot be done without, like a
    /// module's symbol table); counted, so the usage stays true.
    public func charge(_ bytes: Int, for category: Category) {
        state.withLock { $0[category]!.bytes += bytes }
    }

    public func release(_ bytes: Int, for category: Category) {
        state.withLock { $0[category]!.bytes = max(0, $0[category]!.bytes - bytes) }
    }

    /// Sets what `category` holds now (for parts that recount rather than reserve).
    public func set(_ bytes: Int, for category: Category) {
        state.withLock { $0[category]!.bytes = bytes }
    }

    public func usage(_ category: Category) -> Usage {
        state.withLock { $0[category]! }
    }

    /// Every category, in a stable order.
    public var usages: [(category: Category, usage: Usage)] {
        state.withLock { usage in Category.allCases.map { ($0, usage[$0]!) } }
    }

    public var totalBytes: Int { usages.reduce(0) { $0 + $1.usage.bytes } }
    public var isOverAnyShare: Bool { usages.contains { $0.usage.refusals > 0 } }

    /// The resident size last read by the session, in bytes.
    public var residentBytes: Int? { resident.withLock { $0 } }

    public func noteResident(_ bytes: Int) {
        resident.withLock { $0 = bytes }
    }
}
