/// Windows over a ring that holds seconds of two rates (a seeded session): the seconds of
/// one rate are counted in samples at that rate; a window that spans both is weighted into
/// CPU time (each sample × its period, 1/hz), so a 19 Hz sample counts for 99/19 of a 99 Hz
/// one and the shares stay true. No sample is invented: the weighted counts are time.
extension TimeSlices {
    /// The low-rate and own seconds a window covers (either may be nil).
    public func rateParts(of window: TimeWindow) -> (low: ClosedRange<Int64>?, own: ClosedRange<Int64>?) {
        guard let range = seconds(of: window) else { return (nil, nil) }
        guard let lowRate else { return (nil, range) }
        let low = range.lowerBound <= lowRate.newestSecond
            ? range.lowerBound...min(range.upperBound, lowRate.newestSecond) : nil
        let own = range.upperBound > lowRate.newestSecond
            ? max(range.lowerBound, lowRate.newestSecond + 1)...range.upperBound : nil
        return (low, own)
    }

    /// A window's profile in its unit: samples at one rate, or CPU microseconds when the
    /// window spans the low-rate and the ring's own seconds (counted at `hz`).
    public func windowCounts(of window: TimeWindow, hz: Int) -> WindowCounts {
        let parts = rateParts(of: window)
        switch (parts.low, parts.own) {
        case (let low?, let own?):
            var weighted = WindowCounts(counts: profile(of: .seconds(low)), unit: .samples(hz: lowRate!.hz)).inMicroseconds()
            weighted.merge(WindowCounts(counts: profile(of: .seconds(own)), unit: .samples(hz: hz)).inMicroseconds())
            return WindowCounts(counts: weighted, unit: .microseconds)
        case (let low?, nil):
            return WindowCounts(counts: profile(of: .seconds(low)), unit: .samples(hz: lowRate!.hz))
        case (nil, let own?):
            return WindowCounts(counts: profile(of: .seconds(own)), unit: .samples(hz: hz))
        case (nil, nil):
            return WindowCounts(counts: StackCounts(), unit: .samples(hz: hz))
        }
    }

    /// The whole session: `sessionCounts` (every own sample, at `hz`, also those older
    /// than the ring holds) and the low-rate seconds still held, weighted into CPU
    /// microseconds when there are any.
    public func wholeSession(_ sessionCounts: StackCounts, hz: Int) -> WindowCounts {
        let own = WindowCounts(counts: sessionCounts, unit: .samples(hz: hz))
        guard let low = rateParts(of: .all).low else { return own }
        let history = WindowCounts(counts: profile(of: .seconds(low)), unit: .samples(hz: lowRate!.hz))
        guard !sessionCounts.isEmpty else { return history }
        var weighted = history.inMicroseconds()
        weighted.merge(own.inMicroseconds())
        return WindowCounts(counts: weighted, unit: .microseconds)
    }

    /// CPU microseconds per second over a window, oldest first: the timeline of a ring with
    /// two rates, where samples per second would make the low-rate seconds look idle.
    public func microsecondsPerSecond(in window: TimeWindow, hz: Int) -> [UInt64] {
        guard let range = seconds(of: window) else { return [] }
        return zip(range, samplesPerSecond(in: window)).map { second, samples in
            WindowCounts.microseconds(samples: samples, hz: isLowRate(second) ? lowRate!.hz : hz)
        }
    }

    /// Low-rate samples held in a window.
    public func lowRateSamples(in window: TimeWindow = .all) -> UInt64 {
        guard let low = rateParts(of: window).low else { return 0 }
        return totalSamples(in: .seconds(low))
    }
}
