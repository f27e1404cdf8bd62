import Profile
import Testing

/// A ring seeded with seconds counted at a lower rate before its own (the rewind history):
/// the seconds are marked, evictions and refusals are counted apart, and a window over both
/// rates is CPU time, each sample weighted by its period, never samples of two units summed.
@Suite struct LowRateSecondsTests {
    private let hot = stack("main", "hot"), idle = stack("main", "idle")

    @Test func seededSecondsAreMarkedAndPrecedeTheRingsOwn() {
        var slices = TimeSlices(capacity: 60)
        let accepted1 = slices.seed(counts((hot, 19)), second: -3, hz: 19)
        #expect(accepted1)
        let accepted2 = slices.seed(counts((hot, 10), (idle, 9)), second: -1, hz: 19)
        #expect(accepted2)
        slices.record(counts((hot, 99)), second: 0)
        #expect(slices.lowRate?.hz == 19)
        #expect(slices.lowRate?.newestSecond == -1)
        #expect(slices.lowRate?.samples == 38)
        #expect(slices.isLowRate(-3) && slices.isLowRate(-1) && !slices.isLowRate(0))
        #expect(slices.firstSecond == -3)
        #expect(slices.lowRateSamples() == 38)
        #expect(slices.rateParts(of: .all).low == -59...(-1))
        #expect(slices.rateParts(of: .all).own == 0...0)
        #expect(slices.rateParts(of: .last(seconds: 1)).low == nil)
    }

    @Test func seedsAfterTheRingsOwnSecondsOrAtAnotherRateAreRefused() {
        var slices = TimeSlices(capacity: 60)
        slices.record(counts((hot, 99)), second: 0)
        // Not older than the ring's own seconds: refused; with no part yet, nothing to count it in.
        let accepted3 = slices.seed(counts((hot, 5)), second: 0, hz: 19)
        #expect(!accepted3)
        #expect(slices.lowRate == nil)
        let accepted4 = slices.seed(counts((hot, 5)), second: -2, hz: 19)
        #expect(accepted4)
        let accepted5 = slices.seed(counts((hot, 7)), second: -1, hz: 49)
        #expect(!accepted5)
        let accepted6 = slices.seed(counts((hot, 3)), second: -100, hz: 19)
        #expect(!accepted6, "older than the ring holds")
        #expect(slices.lowRate?.refusedSamples == 10)
        // An own second inside the low-rate part is refused too: it was counted at another rate.
        let accepted7 = slices.record(counts((hot, 4)), second: -2)
        #expect(!accepted7)
        #expect(slices.refusedSamples == 4)
        #expect(slices.profile(of: .seconds(-2...(-2))) == counts((hot, 5)))
    }

    @Test func lowRateSamplesThatLeaveTheRingAreCountedApart() {
        var slices = TimeSlices(capacity: 5)
        slices.seed(counts((hot, 19)), second: -2, hz: 19)
        slices.seed(counts((hot, 18)), second: -1, hz: 19)
        slices.record(counts((hot, 99)), second: 0)
        slices.record(counts((hot, 98)), second: 3) // the ring now holds -1…3
        #expect(slices.lowRate?.evictedSamples == 19)
        #expect(slices.evictedSamples == 0)
        slices.record(counts((hot, 97)), second: 5) // …and now 1…5
        #expect(slices.lowRate?.evictedSamples == 37)
        #expect(slices.evictedSamples == 99)
        #expect(slices.rateParts(of: .all).low == nil)
    }

    @Test func aWindowOfOneRateIsInSamplesAtThatRate() {
        var slices = TimeSlices(capacity: 60)
        slices.seed(counts((hot, 19)), second: -1, hz: 19)
        slices.record(counts((idle, 99)), second: 0)
        #expect(slices.windowCounts(of: .seconds(-5...(-1)), hz: 99) == WindowCounts(counts: counts((hot, 19)), unit: .samples(hz: 19)))
        #expect(slices.windowCounts(of: .last(seconds: 1), hz: 99) == WindowCounts(counts: counts((idle, 99)), unit: .samples(hz: 99)))
    }

    @Test func aWindowOverBothRatesIsCPUTimeWeightedByPeriod() {
        var slices = TimeSlices(capacity: 60)
        // One second of a busy thread at each rate: 19 samples at 19 Hz and 99 at 99 Hz are
        // each a second of CPU time, so the two functions must come out even.
        slices.seed(counts((hot, 19)), second: -1, hz: 19)
        slices.record(counts((idle, 99)), second: 0)
        let both = slices.windowCounts(of: .all, hz: 99)
        #expect(both.unit == .microseconds)
        #expect(both.counts.counts[hot] == 1_000_000) // 19 × 52,631,578 ns, rounded to µs
        #expect(both.counts.counts[idle] == 1_000_000) // 99 × 10,101,010 ns
        // Summed as samples they would have been 16% against 84%.
        #expect(slices.microsecondsPerSecond(in: .seconds(-1...0), hz: 99) == [1_000_000, 1_000_000])
    }

    @Test func theWholeSessionAddsTheHistoryToEveryOwnSample() {
        var slices = TimeSlices(capacity: 2)
        slices.seed(counts((hot, 19)), second: -1, hz: 19)
        slices.record(counts((idle, 99)), second: 0)
        // The session's counts hold more than its ring (an own second already evicted would be in them).
        let session = counts((idle, 198))
        let whole = slices.wholeSession(session, hz: 99)
        #expect(whole.unit == .microseconds)
        #expect(whole.counts.counts[idle] == WindowCounts.microseconds(samples: 198, hz: 99))
        #expect(whole.counts.counts[hot] == 1_000_000)
        // Before the first own sample the history is shown in its own unit.
        #expect(slices.wholeSession(StackCounts(), hz: 99) == WindowCounts(counts: counts((hot, 19)), unit: .samples(hz: 19)))
        // Without a seed, the session's samples as they are.
        #expect(TimeSlices().wholeSession(session, hz: 99) == WindowCounts(counts: session, unit: .samples(hz: 99)))
    }

    @Test func mergingASeededRingKeepsItsLowRateSeconds() {
        var seeded = TimeSlices(capacity: 10)
        seeded.seed(counts((hot, 3)), second: -1, hz: 19)
        seeded.record(counts((idle, 9)), second: 1)
        var other = TimeSlices(capacity: 10)
        other.merge(seeded)
        #expect(other.lowRate?.hz == 19)
        #expect(other.isLowRate(-1) && !other.isLowRate(1))
        #expect(other.profile(of: .all) == counts((hot, 3), (idle, 9)))
    }
}
