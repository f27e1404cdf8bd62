import Profile
import Testing

struct ThreadRootsTests {
    let main = ThreadLabel(pid: 10, tid: 10, name: "app")
    let worker = ThreadLabel(pid: 10, tid: 11, name: "io_thd")

    func counts() -> StackCounts {
        let pairs: [(Stack, UInt64)] = [
            (Stack([Frame(function: "main"), Frame(function: "compute")], thread: main), 30),
            (Stack([Frame(function: "start_thread"), Frame(function: "read_loop")], thread: worker), 50),
            (Stack([Frame(function: "start_thread"), Frame(function: "compute")], thread: worker), 20),
        ]
        return StackCounts(pairs)
    }

    @Test func threadsAreListedBusiestFirst() {
        #expect(counts().threads.map(\.thread) == [worker, main])
        #expect(counts().threads.map(\.samples) == [70, 30])
    }

    @Test func mergingDropsTheThreadsAndKeepsEverySample() {
        let merged = counts().mergingThreads()
        #expect(merged.totalSamples == 100)
        #expect(merged.counts.keys.allSatisfy { $0.thread == nil })
        #expect(merged.counts[Stack([Frame(function: "main"), Frame(function: "compute")])] == 30)
    }

    @Test func groupingRootsEachStackAtItsThreadBelowItsProcess() {
        let grouped = counts().groupedByThread()
        #expect(grouped.counts[Stack([worker.rootFrame, Frame(function: "start_thread"), Frame(function: "read_loop")])] == 50)
        #expect(worker.rootFrame.function == "io_thd (tid 11)" && worker.rootFrame.kind == .thread)
        let process = Frame(function: "app", kind: .process)
        let systemWide = StackCounts([(Stack([process, Frame(function: "main")], thread: main), UInt64(3))]).groupedByThread()
        #expect(systemWide.counts.keys.first?.frames.map(\.function) == ["app", "app (tid 10)", "main"])
    }

    @Test func oneThreadKeepsOnlyItsStacks() {
        let only = counts().onlyThread(worker)
        #expect(only.totalSamples == 70)
        #expect(only.uniqueStacks == 2)
    }

    @Test func threadRootsAreNotFunctions() {
        let stats = FunctionStats(counts().groupedByThread())
        #expect(!stats.functions.contains { $0.identity.kind == .thread })
        #expect(stats.functions.first { $0.identity.function == "compute" }?.selfSamples == 50)
    }
}
