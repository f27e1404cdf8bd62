import Profile
/// Counters a `Symbolizer` keeps. Frame counts are per address returned (memoised ones
/// included, inlined frames not counted apart), so they describe the stacks shown, not the
/// work done.
public struct SymbolizerStatistics: Equatable, Sendable {
    public internal(set) var resolvedFrames = 0
    private var unresolvedCounts = [Int](repeating: 0, count: UnresolvedReason.allCases.count)
    /// /proc/PID/maps reads, first ones and refreshes.
    public internal(set) var mapsReads = 0
    /// ELF files (and vdso images) parsed, and those that failed.
    public internal(set) var modulesLoaded = 0
    public internal(set) var moduleLoadFailures = 0
    /// Separate debug files found (by build-id or `.gnu_debuglink`).
    public internal(set) var debugFilesFound = 0
    /// Frames per module (`libc.so.6`, `[kernel]`, `[anon]`, `[unknown]` …).
    public internal(set) var modules: [String: ModuleFrameCounts] = [:]

    public init() {}

    public func unresolvedFrames(_ reason: UnresolvedReason) -> Int { unresolvedCounts[reason.rawValue] }

    public var unresolvedFrames: Int { unresolvedCounts.reduce(0, +) }

    /// Modules with unresolved frames, the largest share first, each with a hint: what the
    /// TUI's status line reports.
    public func unresolvedByModule(minimumShare: Double = 0) -> [UnresolvedModule] {
        modules.compactMap { name, counts in
            guard counts.unresolved > 0, counts.unresolvedShare >= minimumShare,
                  let reason = counts.mainReason else { return nil }
            return UnresolvedModule(module: name, frames: counts.frames, unresolved: counts.unresolved,
                                    reason: reason, hint: reason.hint(module: name))
        }.sorted { ($0.share, $0.unresolved, $1.module) > ($1.share, $1.unresolved, $0.module) }
    }

    mutating func count(_ resolution: Resolution) {
        let module = resolution.module ?? "[unknown]"
        modules[module, default: ModuleFrameCounts()].count(resolution)
        if let reason = resolution.unresolved {
            unresolvedCounts[reason.rawValue] += 1
        } else {
            resolvedFrames += 1
        }
    }
}

/// Frames of one module: how many, how many kept an address-based name and why, and how
/// many have no source line.
public struct ModuleFrameCounts: Equatable, Sendable {
    public internal(set) var frames = 0
    public internal(set) var withoutSourceLine = 0
    private var unresolvedCounts = [Int](repeating: 0, count: UnresolvedReason.allCases.count)

    public init() {}

    public var unresolved: Int { unresolvedCounts.reduce(0, +) }
    public func unresolved(_ reason: UnresolvedReason) -> Int { unresolvedCounts[reason.rawValue] }
    public var unresolvedShare: Double { frames == 0 ? 0 : Double(unresolved) / Double(frames) }

    /// The most frequent reason, if any frame is unresolved.
    public var mainReason: UnresolvedReason? {
        UnresolvedReason.allCases.filter { unresolvedCounts[$0.rawValue] > 0 }
            .max { unresolvedCounts[$0.rawValue] < unresolvedCounts[$1.rawValue] }
    }

    mutating func count(_ resolution: Resolution) {
        frames += 1
        if let reason = resolution.unresolved { unresolvedCounts[reason.rawValue] += 1 }
        if resolution.frames.first?.line == nil { withoutSourceLine += 1 }
    }
}

/// One line of the unresolved report: `libfoo.so: 40% of 1200 frames unresolved (no debug info) — hint`.
public struct UnresolvedModule: Equatable, Sendable, CustomStringConvertible {
    public var module: String
    public var frames: Int
    public var unresolved: Int
    public var reason: UnresolvedReason
    public var hint: String

    public var share: Double { frames == 0 ? 0 : Double(unresolved) / Double(frames) }

    public var description: String {
        let percent = Int((share * 100).rounded())
        return "\(module): \(percent)% of \(frames) frames unresolved (\(reason)): \(hint)"
    }
}
