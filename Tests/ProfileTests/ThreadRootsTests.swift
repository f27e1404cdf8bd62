import Profile
import Testing

struct ThreadRootsTests {
    let main = Frame(function: "app (tid 10)", kind: .thread)
    let worker = Frame(function: "io_thd (tid 11)", kind: .thread)

    func counts() -> StackCounts {
        let pairs: [(Stack, UInt64)] = [
                     (Stack([main, Frame(function: "main"), Frame(function: "compute")]), 30),
                     (Stack([worker, Frame(function: "start_thread"), Frame(function: "read_loop")]), 50),
                     (Stack([worker, Frame(function: "start_thread"), Frame(function: "compute")]), 20)]
        return StackCounts(pairs)
    }

    @Test func threadsAreListedBusiestFirst() {
        #expect(counts().threads.map(\.frame) == [worker, main])
        #expect(counts().threads.map(\.samples) == [70, 30])
    }

    @Test func mergingDropsTheThreadRootsAndKeepsEverySample() {
        let merged = counts().mergingThreads()
        #expect(merged.totalSamples == 100)
        #expect(merged.counts.keys.allSatisfy { !$0.frames.contains { $0.kind == .thread } })
        #expect(merged.counts[Stack([Frame(function: "main"), Frame(function: "compute")])] == 30)
    }

    @Test func oneThreadKeepsOnlyItsStacks() {
        let only = counts().onlyThread(worker)
        #expect(only.totalSamples == 70)
        #expect(only.uniqueStacks == 2)
    }

    @Test func threadRootsAreNotFunctions() {
        let stats = FunctionStats(counts())
        #expect(!stats.functions.contains { $0.identity.kind == .thread })
        #expect(stats.functions.first { $0.identity.function == "compute" }?.selfSamples == 50)
    }
}
