import Profile
import Testing

struct StackBudgetTests {
    func stack(_ names: String...) -> Stack { Stack(names.map { Frame(function: $0) }) }
    func counts(_ pairs: [(Stack, UInt64)]) -> StackCounts { StackCounts(pairs) }

    @Test func underTheBudgetEveryStackIsKeptWhole() {
        var budget = StackBudget(maxStacks: 10)
        var profile = StackCounts()
        let drain = counts([(stack("main", "a"), 3), (stack("main", "b"), 2)])
        let added = budget.merge(drain, into: &profile)
        #expect(profile == drain && added == drain)
        #expect(budget.cutSamples == 0)
    }

    @Test func pastTheBudgetNewStacksKeepTheirOutermostFramesAndEverySample() {
        var budget = StackBudget(maxStacks: 2)
        var profile = StackCounts()
        budget.merge(counts([(stack("p", "main", "a"), 5), (stack("p", "main", "b"), 4)]), into: &profile)
        // Known stacks still grow; a new deep one is cut under the marker.
        let added = budget.merge(counts([(stack("p", "main", "a"), 1),
                                              (stack("p", "main", "run", "loop", "deep", "leaf"), 7)]), into: &profile)
        let cut = Stack(stack("p", "main", "run", "loop").frames + [StackBudget.marker])
        #expect(profile.counts[stack("p", "main", "a")] == 6)
        #expect(profile.counts[cut] == 7)
        #expect(added.totalSamples == 8)
        #expect(profile.totalSamples == 17, "no sample is dropped")
        #expect(budget.cutSamples == 7)
    }

    @Test func whenTheReserveIsFullTheMarkerAloneHoldsTheRest() {
        var budget = StackBudget(maxStacks: 10) // reserve: 1
        var profile = StackCounts()
        budget.merge(StackCounts((0..<10).map { (stack("main", "f\($0)"), UInt64(1)) }), into: &profile)
        let many = StackCounts((0..<50).map { (stack("root\($0)", "x", "y", "z", "w"), UInt64(1)) })
        budget.merge(many, into: &profile)
        #expect(profile.uniqueStacks <= 10 + budget.reserve + 1)
        #expect(profile.counts[Stack([StackBudget.marker])] != nil)
        #expect(profile.totalSamples == 60)
        #expect(budget.cutSamples == 50)
    }
}
