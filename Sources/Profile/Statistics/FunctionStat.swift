/// One function's share of a profile.
public struct FunctionStat: Sendable, Equatable {
    public let identity: FunctionIdentity
    /// Samples where this function was the leaf: time spent in its own code.
    public let selfSamples: UInt64
    /// Samples whose stack contains this function, counted once per stack even when it
    /// recurses, so it never exceeds the profile total.
    public let totalSamples: UInt64
    /// Shares of the whole profile, 0–100.
    public let selfPercent: Double
    public let totalPercent: Double
    /// The position (source line, or offset in stripped code) seen with the most samples in
    /// this function's frames, for display.
    public let location: FramePosition?

    public init(identity: FunctionIdentity, selfSamples: UInt64, totalSamples: UInt64,
                profileSamples: UInt64, location: FramePosition?) {
        self.identity = identity
        self.selfSamples = selfSamples
        self.totalSamples = totalSamples
        self.selfPercent = Percent.of(selfSamples, in: profileSamples)
        self.totalPercent = Percent.of(totalSamples, in: profileSamples)
        self.location = location
    }
}

enum Percent {
    /// Multiplies before dividing so whole-number shares come out exact (25 of 100 is 25.0).
    static func of(_ part: UInt64, in whole: UInt64) -> Double {
        whole == 0 ? 0 : Double(part) * 100 / Double(whole)
    }
}
