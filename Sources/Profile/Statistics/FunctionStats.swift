/// Self and total samples per function (name + module + kind) over a whole profile: the
/// "top functions" table. `.process` and `.thread` frames are roots that name where a stack
/// ran, not functions, and are left out.
public struct FunctionStats: Sendable {
    public enum SortKey: Sendable, Equatable {
        case selfSamples
        case totalSamples
    }

    public let profileSamples: UInt64
    /// Every function seen, highest self samples first (`sorted(by:)` for other orders).
    public let functions: [FunctionStat]
    /// Finds a function's entry through the stacks' own function numbers: a dictionary keyed
    /// by identity cost about 170 bytes a function on top of the entries (issue 14).
    private let interner: FrameInterner
    /// By the interner's function number: the position in `functions`, -1 for roots.
    private let positionOfFunction: [Int32]

    public init(_ counts: StackCounts) {
        self.init(StackTable(counts))
    }

    public init(_ stacks: StackTable) {
        let interner = stacks.interner
        let frames = stacks.frameIndices
        var selfSamples = [UInt64](repeating: 0, count: interner.functionCount)
        var totalSamples = selfSamples
        // The last stack each function was counted in: counts a recursive function once per
        // stack without a per-stack set.
        var lastStack = [Int](repeating: -1, count: interner.functionCount)
        var frameWeights = [UInt64](repeating: 0, count: interner.frames.count)

        for stackNumber in 0..<stacks.stackCount {
            let count = stacks.counts[stackNumber]
            let range = stacks.stack(stackNumber)
            for position in range {
                let frameIndex = Int(frames[position])
                guard !interner.frames[frameIndex].kind.isSynthetic else { continue }
                let function = Int(interner.functionOfFrame[frameIndex])
                frameWeights[frameIndex] += count
                if lastStack[function] != stackNumber {
                    lastStack[function] = stackNumber
                    totalSamples[function] += count
                }
            }
            if let leaf = range.last, !interner.frames[Int(frames[leaf])].kind.isSynthetic {
                selfSamples[Int(interner.functionOfFrame[Int(frames[leaf])])] += count
            }
        }

        let locations = Self.hottestLocations(interner: interner, frameWeights: frameWeights)
        var stats: [FunctionStat] = []
        stats.reserveCapacity(interner.functionCount)
        for function in 0..<interner.functionCount {
            let identity = interner.identity(ofFunction: function)
            guard !identity.kind.isSynthetic else { continue }
            stats.append(FunctionStat(identity: identity, selfSamples: selfSamples[function],
                                      totalSamples: totalSamples[function],
                                      profileSamples: stacks.totalSamples,
                                      location: locations[function]))
        }
        stats.sort(by: Self.order(.selfSamples))
        profileSamples = stacks.totalSamples
        functions = stats
        var positions = [Int32](repeating: -1, count: interner.functionCount)
        for (position, stat) in stats.enumerated() {
            if let function = interner.function(of: stat.identity) { positions[Int(function)] = Int32(position) }
        }
        self.interner = interner
        positionOfFunction = positions
    }

    public subscript(identity: FunctionIdentity) -> FunctionStat? {
        guard let function = interner.function(of: identity) else { return nil }
        let position = positionOfFunction[Int(function)]
        return position < 0 ? nil : functions[Int(position)]
    }

    /// Highest first; equal counts fall back to the other count, then to the name.
    public func sorted(by key: SortKey) -> [FunctionStat] {
        key == .selfSamples ? functions : functions.sorted(by: Self.order(key))
    }

    static func order(_ key: SortKey) -> (FunctionStat, FunctionStat) -> Bool {
        { left, right in
            let (leftFirst, leftSecond, rightFirst, rightSecond) = key == .selfSamples
                ? (left.selfSamples, left.totalSamples, right.selfSamples, right.totalSamples)
                : (left.totalSamples, left.selfSamples, right.totalSamples, right.selfSamples)
            if leftFirst != rightFirst { return leftFirst > rightFirst }
            if leftSecond != rightSecond { return leftSecond > rightSecond }
            return left.identity < right.identity
        }
    }

    /// Per function, the position (source line, or offset in stripped code) whose frames
    /// carried the most samples; ties go to the lower position so the answer is the same on every run.
    private static func hottestLocations(interner: FrameInterner,
                                         frameWeights: [UInt64]) -> [FramePosition?] {
        var weights = [[FramePosition: UInt64]](repeating: [:], count: interner.functionCount)
        for (frameIndex, frame) in interner.frames.enumerated() {
            guard let location = frame.position else { continue }
            weights[Int(interner.functionOfFrame[frameIndex])][location, default: 0]
                += frameWeights[frameIndex]
        }
        return weights.map { candidates in
            candidates.min { left, right in
                left.value != right.value ? left.value > right.value : left.key < right.key
            }?.key
        }
    }
}
