import Profile
import Testing

@Suite struct TimeSlicesTests {
    private let a = stack("main", "a"), b = stack("main", "b"), c = stack("main", "run", "c")

    @Test func windowsReaggregateTheSecondsTheyCover() {
        var slices = TimeSlices(capacity: 10)
        slices.record(counts((a, 3)), second: 100)
        slices.record(counts((a, 1), (b, 2)), second: 101)
        slices.record(counts((c, 5)), second: 102)
        #expect(slices.heldSeconds == 93...102)
        #expect(slices.profile(of: .all) == counts((a, 4), (b, 2), (c, 5)))
        #expect(slices.profile(of: .last(seconds: 2)) == counts((a, 1), (b, 2), (c, 5)))
        #expect(slices.profile(of: .seconds(100...101)) == counts((a, 4), (b, 2)))
        #expect(slices.profile(of: .seconds(101...101)) == counts((a, 1), (b, 2)))
        #expect(slices.samplesPerSecond(in: .seconds(99...102)) == [0, 3, 3, 5])
        #expect(slices.totalSamples() == 11)
        #expect(slices.uniqueStacks == 3)
    }

    @Test func twoDrainsOfOneSecondMerge() {
        var slices = TimeSlices(capacity: 4)
        slices.record(counts((b, 1), (a, 2)), second: 7)
        slices.record(counts((a, 5), (c, 1)), second: 7)
        #expect(slices.profile(of: .all) == counts((a, 7), (b, 1), (c, 1)))
        #expect(slices.samplesPerSecond(in: .seconds(7...7)) == [9])
    }

    @Test func theRingKeepsTheNewestSecondsAndCountsWhatLeaves() {
        var slices = TimeSlices(capacity: 3)
        for second in Int64(0)..<6 { slices.record(counts((a, UInt64(second + 1))), second: second) }
        // Seconds 3, 4, 5 remain (4 + 5 + 6 samples); 0–2 (1 + 2 + 3) were evicted.
        #expect(slices.heldSeconds == 3...5)
        #expect(slices.profile(of: .all) == counts((a, 15)))
        #expect(slices.evictedSamples == 6)
        // A jump past the whole ring empties it.
        slices.record(counts((b, 1)), second: 100)
        #expect(slices.profile(of: .all) == counts((b, 1)))
        #expect(slices.evictedSamples == 21)
        #expect(slices.samplesPerSecond() == [0, 0, 1])
    }

    @Test func aDrainOlderThanTheRingIsRefusedAndCounted() {
        var slices = TimeSlices(capacity: 3)
        slices.record(counts((a, 1)), second: 10)
        let inside = slices.record(counts((b, 4)), second: 8)
        let tooOld = slices.record(counts((b, 2)), second: 7)
        #expect(inside)
        #expect(!tooOld)
        #expect(slices.refusedSamples == 2)
        #expect(slices.profile(of: .all) == counts((a, 1), (b, 4)))
    }

    @Test func emptyDrainsAdvanceTimeSoLastWindowsSlide() {
        var slices = TimeSlices(capacity: 60)
        slices.record(counts((a, 2)), second: 0)
        slices.record(StackCounts(), second: 5)
        #expect(slices.profile(of: .last(seconds: 5)).isEmpty)
        #expect(slices.profile(of: .last(seconds: 6)) == counts((a, 2)))
    }

    @Test func windowsOutsideTheRingAreEmpty() {
        var slices = TimeSlices(capacity: 5)
        #expect(slices.seconds(of: .all) == nil)
        #expect(slices.profile(of: .all).isEmpty)
        slices.record(counts((a, 1)), second: 20)
        #expect(slices.seconds(of: .seconds(0...10)) == nil)
        #expect(slices.seconds(of: .seconds(0...17)) == 16...17)
        #expect(slices.seconds(of: .last(seconds: 0)) == nil)
        #expect(slices.seconds(of: .last(seconds: 50)) == 16...20)
    }

    @Test func aDrainGoesToTheSecondHoldingItsMiddle() {
        var slices = TimeSlices()
        slices.record(counts((a, 1)), drainedOver: 9.6..<10.2) // middle 9.9
        slices.record(counts((b, 1)), drainedOver: 9.9..<10.5) // middle 10.2
        #expect(slices.profile(of: .seconds(9...9)) == counts((a, 1)))
        #expect(slices.profile(of: .seconds(10...10)) == counts((b, 1)))
    }

    @Test func mergeAddsAnotherRingsSecondsIntoTheSameSeconds() {
        var history = TimeSlices(capacity: 10)
        history.record(counts((a, 1)), second: 1)
        history.record(counts((b, 2)), second: 2)
        var session = TimeSlices(capacity: 10)
        session.record(counts((b, 3), (c, 1)), second: 2)
        session.record(counts((c, 4)), second: 3)
        session.merge(history)
        #expect(session.profile(of: .all) == counts((a, 1), (b, 5), (c, 5)))
        #expect(session.samplesPerSecond(in: .seconds(1...3)) == [1, 6, 4])
    }

    @Test func stacksAreStoredOnceWhateverTheSecondsTheyAppearIn() {
        var slices = TimeSlices(capacity: 600)
        let deep = Stack((0..<40).map { Frame(function: "function_number_\($0)_with_a_long_name", module: "app") })
        slices.record(counts((deep, 1)), second: 0)
        let afterOne = slices.estimatedBytes
        for second in Int64(1)..<600 { slices.record(counts((deep, 1)), second: second) }
        #expect(slices.uniqueStacks == 1)
        // Each further second costs its slice (an id and a count), not another copy of 40
        // frames: 599 slices of one entry stay far under one copy of the stack per slice.
        let perSlice = (slices.estimatedBytes - afterOne) / 599
        #expect(perSlice < 200, "\(perSlice) bytes per one-stack slice")
        #expect(slices.profile(of: .all) == counts((deep, 600)))
    }

    @Test func manyStacksRoundTripThroughTheTable() {
        var slices = TimeSlices(capacity: 30)
        var expected = StackCounts()
        for second in Int64(0)..<30 {
            var drained = StackCounts()
            for index in 0..<50 {
                let shared = Int(second) * 7 + index
                let pushed = stack("main", "f\(shared % 97)", "g\(shared % 13)")
                drained.add(pushed, count: UInt64(index % 3 + 1))
            }
            expected.merge(drained)
            slices.record(drained, second: second)
        }
        #expect(slices.profile(of: .all) == expected)
    }
}
