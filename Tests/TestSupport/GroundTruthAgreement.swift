import Profile

/// How far a profile of the ground-truth workload (non-PIE build) agrees with
/// the truth: the share of samples whose stack from `main` down is exactly the
/// expected one, and each leaf's share of all samples. Any test that obtains a
/// profile some way (record, the service) can check these.
public struct GroundTruthAgreement: Sendable {
    public let totalSamples: UInt64
    /// Samples carrying an expected stack exactly, with nothing of ours above `main`.
    public let exactSamples: UInt64
    /// Leaf function → its share of all samples.
    public let leafShares: [String: Double]

    public init(_ counts: StackCounts) {
        totalSamples = counts.totalSamples
        var exact: UInt64 = 0
        var leaves: [String: UInt64] = [:]
        for (stack, count) in counts.counts {
            if let leaf = stack.leaf?.function { leaves[leaf, default: 0] += count }
            guard let fromMain = Recording.framesFromMain(stack), let leaf = fromMain.last,
                  let expected = GroundTruthWorkload.expectedStacks[leaf] else { continue }
            let aboveMain = stack.frames.prefix { $0.function != "main" }
            if fromMain == expected && aboveMain.allSatisfy({ !["run", "dispatch", "deep"].contains($0.function) }) {
                exact += count
            }
        }
        exactSamples = exact
        let total = Double(max(totalSamples, 1))
        leafShares = leaves.mapValues { Double($0) / total }
    }

    public var exactShare: Double { Double(exactSamples) / Double(max(totalSamples, 1)) }

    /// The expected leaves whose share is more than `tolerance` off the truth, described.
    public func sharesOffTruth(tolerance: Double = 0.05) -> [String] {
        GroundTruthWorkload.expectedShares.sorted { $0.key < $1.key }.compactMap { leaf, truth in
            let share = leafShares[leaf] ?? 0
            guard abs(share - truth) > tolerance else { return nil }
            return "\(leaf): \(String(format: "%.1f", share * 100))% of samples, truth \(truth * 100)% ± \(tolerance * 100) pp"
        }
    }
}
