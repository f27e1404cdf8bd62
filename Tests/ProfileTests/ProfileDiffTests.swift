import Profile
import Testing

@Suite struct ProfileDiffTests {
    @Test func comparesSharesInPercentagePoints() {
        let baseline = counts((stack("main", "a"), 2), (stack("main", "b"), 1), (stack("main", "d"), 1))
        let current = counts((stack("main", "a"), 2), (stack("main", "b"), 2), (stack("main", "c"), 4))
        let diff = ProfileDiff(baseline: baseline, current: current)
        #expect(diff.baselineSamples == 4)
        #expect(diff.currentSamples == 8)
        typealias Row = (String, Double, Double, Double, Double)
        let expected: [Row] = [
            ("c", 0, 50, 0, 50),
            ("a", 50, 25, 50, 25),
            ("d", 25, 0, 25, 0),
            ("b", 25, 25, 25, 25),
            ("main", 0, 0, 100, 100),
        ]
        #expect(diff.entries.map(\.identity.function) == expected.map(\.0))
        for (entry, row) in zip(diff.entries, expected) {
            #expect(entry.baselineSelfPercent == row.1, "\(row.0)")
            #expect(entry.currentSelfPercent == row.2, "\(row.0)")
            #expect(entry.baselineTotalPercent == row.3, "\(row.0)")
            #expect(entry.currentTotalPercent == row.4, "\(row.0)")
        }
        #expect(diff.entries.map(\.selfDelta) == [50, -25, -25, 0, 0])
        #expect(diff.entries.map(\.totalDelta) == [50, -25, -25, 0, 0])
    }

    @Test func sortsByTotalDeltaOnRequest() {
        let baseline = counts((stack("main", "a", "x"), 1), (stack("main", "b"), 3))
        let current = counts((stack("main", "a", "x"), 2), (stack("main", "a"), 1), (stack("main", "b"), 1))
        let diff = ProfileDiff(baseline: baseline, current: current)
        // a: self 0 → 25, total 25 → 75; x: self 25 → 50; b: 75 → 25.
        // a and b tie on |total delta|; b moved more in self share, so it comes first.
        #expect(diff.sorted(by: .totalDelta).map(\.identity.function) == ["b", "a", "x", "main"])
        #expect(diff.sorted(by: .totalDelta).map(\.totalDelta) == [-50, 50, 25, 0])
        #expect(diff.entries.map(\.identity.function) == ["b", "a", "x", "main"])
    }

    @Test func anEmptyBaselineGivesEveryFunctionItsWholeShare() {
        let diff = ProfileDiff(baseline: StackCounts(), current: counts((stack("main"), 3)))
        #expect(diff.entries.count == 1)
        #expect(diff.entries.first?.selfDelta == 100)
    }
}
