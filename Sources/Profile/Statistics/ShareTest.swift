/// The two-proportion z-test of one function's share in two profiles: did x₁ of n₁ samples
/// become x₂ of n₂ by more than chance? Pooled standard error, two-sided.
///
/// Each sample is one trial, so the test is exact in spirit for sampled profiles; for
/// weighted units (microseconds off-CPU) it treats every unit as a trial and so is too
/// eager: pass event counts there.
public struct ShareTest: Sendable, Equatable {
    public let zScore: Double
    public let pValue: Double

    public init(baseline: UInt64, of baselineTotal: UInt64, current: UInt64, of currentTotal: UInt64) {
        guard baselineTotal > 0, currentTotal > 0 else {
            // Nothing to compare against: no evidence of change either way.
            zScore = 0
            pValue = 1
            return
        }
        let n1 = Double(baselineTotal), n2 = Double(currentTotal)
        let p1 = Double(baseline) / n1, p2 = Double(current) / n2
        let pooled = (Double(baseline) + Double(current)) / (n1 + n2)
        let variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
        guard variance > 0 else {
            // A share of 0 (or 100%) in both: identical.
            zScore = 0
            pValue = 1
            return
        }
        zScore = (p2 - p1) / variance.squareRoot()
        pValue = NormalDistribution.twoSidedPValue(zScore)
    }
}
