/// Why a frame kept an address-based name instead of a symbol.
public enum UnresolvedReason: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// No mapping of the process holds the address (`[unknown]+0x…`).
    case unmapped
    /// The code is mapped, but no symbol covers it: stripped file, JIT or anonymous code.
    case noSymbols
    /// The mapped file (or the vdso) could not be opened or parsed.
    case unreadableFile
    /// kallsyms hides kernel addresses from this user.
    case kernelHidden

    public var description: String {
        switch self {
        case .unmapped: return "unmapped"
        case .noSymbols: return "no symbols"
        case .unreadableFile: return "unreadable file"
        case .kernelHidden: return "kernel addresses hidden"
        }
    }
}

/// Counters a `Symbolizer` keeps. Frame counts are per frame returned (memoised ones included),
/// so they describe the stacks shown, not the work done.
public struct SymbolizerStatistics: Equatable, Sendable {
    public internal(set) var resolvedFrames = 0
    private var unresolvedCounts = [Int](repeating: 0, count: UnresolvedReason.allCases.count)
    /// /proc/PID/maps reads, first ones and refreshes.
    public internal(set) var mapsReads = 0
    /// ELF files (and vdso images) parsed, and those that failed.
    public internal(set) var modulesLoaded = 0
    public internal(set) var moduleLoadFailures = 0

    public init() {}

    public func unresolvedFrames(_ reason: UnresolvedReason) -> Int { unresolvedCounts[reason.rawValue] }

    public var unresolvedFrames: Int { unresolvedCounts.reduce(0, +) }

    mutating func count(_ resolution: Resolution) {
        if let reason = resolution.unresolved {
            unresolvedCounts[reason.rawValue] += 1
        } else {
            resolvedFrames += 1
        }
    }
}
