import Profile
import Testing

@Suite struct ProfileDiffStatisticsTests {
    @Test func theShareTestMatchesHandComputedFigures() {
        // 50/100 → 60/100: pooled p = 0.55, z = 0.1 / √(0.55·0.45·0.02) = 1.42134, p = 0.15522.
        let small = ShareTest(baseline: 50, of: 100, current: 60, of: 100)
        #expect(abs(small.zScore - 1.421_338) < 1e-5)
        #expect(abs(small.pValue - 0.155_218) < 1e-5)
        // 500/1000 → 300/1000: z = −9.12871, p = 6.93e-20.
        let large = ShareTest(baseline: 500, of: 1000, current: 300, of: 1000)
        #expect(abs(large.zScore + 9.128_709) < 1e-5)
        #expect(abs(large.pValue / 6.932_08e-20 - 1) < 1e-5)
    }

    @Test func theNormalTailIsRightNearTheFivePercentQuantile() {
        // 5000 → 5139 of 10 000: z = 1.96595, p = 0.049305 (scipy.stats.norm.sf(z) · 2).
        let test = ShareTest(baseline: 5000, of: 10_000, current: 5139, of: 10_000)
        #expect(abs(test.zScore - 1.965_947) < 1e-5)
        #expect(abs(test.pValue - 0.049_305) < 1e-6)
    }

    @Test func identicalOrEmptyProfilesGiveNoEvidence() {
        #expect(ShareTest(baseline: 0, of: 10, current: 0, of: 20).pValue == 1)
        #expect(ShareTest(baseline: 10, of: 10, current: 20, of: 20).pValue == 1)
        #expect(ShareTest(baseline: 0, of: 0, current: 5, of: 20).pValue == 1)
        #expect(ShareTest(baseline: 30, of: 100, current: 60, of: 200).zScore == 0)
    }

    @Test func largeSignificantChangesAreFindingsAndTheRestNoise() {
        let baseline = counts((stack("main", "alpha"), 500), (stack("main", "beta"), 300), (stack("main", "omega"), 200))
        let current = counts((stack("main", "alpha"), 300), (stack("main", "beta"), 500), (stack("main", "omega"), 200))
        let diff = ProfileDiff(baseline: baseline, current: current)
        #expect(diff.comparisons == 4)
        #expect(diff.correctedAlpha == 0.001 / 4)
        #expect(diff.findings.map(\.identity.function).sorted() == ["alpha", "beta"])
        let alpha = diff.entries.first { $0.identity.function == "alpha" }
        #expect(alpha?.selfDelta == -20)
        #expect(alpha?.baselineSelfSamples == 500)
        #expect(alpha?.currentSelfSamples == 300)
        #expect(alpha?.presence == .both)
        #expect(diff.entries.first { $0.identity.function == "omega" }?.verdict == .noise)
        #expect(diff.entries.first { $0.identity.function == "main" }?.verdict == .noise)
    }

    @Test func aSignificantChangeUnderOnePointIsNoise() {
        // 50 % → 50.5 % of a million samples: p = 1.5e-12, far below α, but half a point.
        let baseline = counts((stack("main", "a"), 500_000), (stack("main", "b"), 500_000))
        let current = counts((stack("main", "a"), 505_000), (stack("main", "b"), 495_000))
        let diff = ProfileDiff(baseline: baseline, current: current)
        let a = diff.entries.first { $0.identity.function == "a" }
        #expect((a?.selfTest.pValue ?? 1) < 1e-11)
        #expect(abs((a?.selfDelta ?? 0) - 0.5) < 1e-9)
        #expect(a?.verdict == .noise)
        #expect(diff.findings.isEmpty)
        // The same change passes a rule of half a point: the threshold is what decided.
        let lenient = ProfileDiff(baseline: baseline, current: current, rule: .init(minimumPoints: 0.5))
        #expect(lenient.findings.map(\.identity.function).sorted() == ["a", "b"])
    }

    @Test func aLargeChangeOnFewSamplesIsNoise() {
        // 50 → 60 of 100: ten points, p = 0.155.
        let diff = ProfileDiff(baseline: counts((stack("a"), 50), (stack("b"), 50)),
                               current: counts((stack("a"), 60), (stack("b"), 40)))
        #expect(diff.entries.allSatisfy { $0.verdict == .noise })
        #expect(diff.entries.first?.selfDelta.magnitude == 10)
    }

    @Test func bonferroniDividesAlphaByTheFunctionsCompared() {
        // 50 % → 57.5 % of 1000: p = 7.7e-4, under α = 0.001 but over 0.001 / 3.
        let diff = ProfileDiff(baseline: counts((stack("main", "a"), 500), (stack("main", "b"), 500)),
                               current: counts((stack("main", "a"), 575), (stack("main", "b"), 425)))
        #expect(diff.comparisons == 3)
        let a = diff.entries.first { $0.identity.function == "a" }
        #expect(abs((a?.selfTest.pValue ?? 0) - 7.694e-4) < 1e-6)
        #expect(a?.verdict == .noise)
        // Uncorrected (α × 3 spread over 3) it would have counted.
        let uncorrected = ProfileDiff(baseline: counts((stack("main", "a"), 500), (stack("main", "b"), 500)),
                                      current: counts((stack("main", "a"), 575), (stack("main", "b"), 425)),
                                      rule: .init(alpha: 0.003))
        #expect(uncorrected.findings.map(\.identity.function).sorted() == ["a", "b"])
    }

    @Test func newAndVanishedFunctionsAreMarked() {
        let diff = ProfileDiff(baseline: counts((stack("main", "old"), 400), (stack("main", "kept"), 600)),
                               current: counts((stack("main", "new"), 400), (stack("main", "kept"), 600)))
        #expect(diff.entries.first { $0.identity.function == "new" }?.presence == .new)
        #expect(diff.entries.first { $0.identity.function == "old" }?.presence == .vanished)
        #expect(diff.entries.first { $0.identity.function == "kept" }?.presence == .both)
        #expect(diff.findings.map(\.identity.function).sorted() == ["new", "old"])
    }

    @Test func stackDiffPairsCountsAndMarksNewAndVanishedStacks() {
        let diff = StackDiff(baseline: counts((stack("main", "a"), 3), (stack("main", "b"), 1)),
                             current: counts((stack("main", "a"), 2), (stack("main", "c"), 5)))
        #expect(diff.rows.map { [$0.stack.leaf?.function ?? "", "\($0.baseline)", "\($0.current)"] }
                == [["c", "0", "5"], ["a", "3", "2"], ["b", "1", "0"]])
        #expect(diff.newStacks.map(\.stack) == [stack("main", "c")])
        #expect(diff.vanishedStacks.map(\.stack) == [stack("main", "b")])
    }

    @Test func diffFoldedLinesAreDifffoldedsFormat() {
        let diff = StackDiff(baseline: counts((stack("main", "a"), 3), (stack("main", "b"), 1)),
                             current: counts((stack("main", "a"), 2), (stack("main", "c"), 5)))
        #expect(DiffFoldedWriter().write(diff) == "main;a 3 2\nmain;c 0 5\nmain;b 1 0\n")
    }
}
