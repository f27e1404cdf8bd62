import Glibc
import Profile
@testable import Sampling
import Testing

struct UnwindPolicyTests {
    let copy = 8192

    @Test func drainsWhileDecidingEveryHalfOfTheFirstTwentyStacks() {
        #expect(ProfilingSession.decisionDrainInterval(frequency: 999) == .milliseconds(20), "10 ms, but no drain is that often")
        #expect(ProfilingSession.decisionDrainInterval(frequency: 400) == .milliseconds(25))
        #expect(ProfilingSession.decisionDrainInterval(frequency: 99) == .milliseconds(50), "at most 50 ms")
        #expect(ProfilingSession.decisionDrainInterval(frequency: 1) == .milliseconds(50))
    }

    @Test func decidesWithinTheFirstTwentyStacksPerProcess() {
        var policy = UnwindPolicy(setting: .auto, defaultStackCopy: copy, dwarfAvailable: true)
        #expect(policy.observeFramePointerStacks(pid: 1, stacks: 19, incomplete: 19) == nil)
        #expect(policy.isUndecided(1))
        #expect(policy.observeFramePointerStacks(pid: 1, stacks: 1, incomplete: 1) == .dwarf(pid: 1, stacks: 20, incomplete: 20))
        #expect(policy.mode(of: 1) == .dwarf(stackBytes: copy))
        #expect(policy.observeFramePointerStacks(pid: 2, stacks: 20, incomplete: 1) == .framePointers(pid: 2, stacks: 20, incomplete: 1))
        #expect(policy.mode(of: 2) == .framePointers)
        #expect(policy.observeFramePointerStacks(pid: 2, stacks: 500, incomplete: 500) == nil, "a decision holds")
        #expect(policy.processesOffDefault == [1])
    }

    @Test func thresholdIsTenPercentOfStacks() {
        var policy = UnwindPolicy(setting: .auto, defaultStackCopy: copy, dwarfAvailable: true)
        #expect(policy.observeFramePointerStacks(pid: 1, stacks: 100, incomplete: 9) == .framePointers(pid: 1, stacks: 100, incomplete: 9))
        #expect(policy.observeFramePointerStacks(pid: 2, stacks: 100, incomplete: 10) == .dwarf(pid: 2, stacks: 100, incomplete: 10))
    }

    @Test func explicitModesNeverDecide() {
        var fp = UnwindPolicy(setting: .framePointers, defaultStackCopy: copy, dwarfAvailable: true)
        #expect(fp.observeFramePointerStacks(pid: 1, stacks: 100, incomplete: 100) == nil)
        #expect(fp.mode(of: 1) == .framePointers)
        let dwarf = UnwindPolicy(setting: .dwarf, defaultStackCopy: copy, dwarfAvailable: true)
        #expect(dwarf.mode(of: 1) == .dwarf(stackBytes: copy))
        #expect(!dwarf.isUndecided(1))
    }

    @Test func withoutDwarfTheProcessStaysOnFramePointers() {
        var policy = UnwindPolicy(setting: .auto, defaultStackCopy: copy, dwarfAvailable: false)
        #expect(policy.observeFramePointerStacks(pid: 1, stacks: 20, incomplete: 20) == .dwarfUnavailable(pid: 1, stacks: 20, incomplete: 20))
        #expect(policy.mode(of: 1) == .framePointers)
    }

    @Test func stackCopyDoublesUpToTheMaximum() {
        var policy = UnwindPolicy(setting: .dwarf, defaultStackCopy: copy, dwarfAvailable: true)
        #expect(policy.observeDwarfSamples(pid: 1, samples: 100, copyTooSmall: 1) == nil, "one stop is not enough")
        #expect(policy.observeDwarfSamples(pid: 1, samples: 100, copyTooSmall: 50) == .stackCopyGrown(pid: 1, from: 8192, to: 16384))
        #expect(policy.observeDwarfSamples(pid: 1, samples: 100, copyTooSmall: 50) == .stackCopyGrown(pid: 1, from: 16384, to: 32768))
        #expect(policy.observeDwarfSamples(pid: 1, samples: 100, copyTooSmall: 50) == .stackCopyGrown(pid: 1, from: 32768, to: 65536))
        #expect(policy.observeDwarfSamples(pid: 1, samples: 100, copyTooSmall: 50) == nil, "64 KB is the most the program copies")
        #expect(policy.mode(of: 1) == .dwarf(stackBytes: 65536))
        #expect(policy.mode(of: 2) == .dwarf(stackBytes: copy), "only the process that needed it grows")
    }

    @Test func aCopySizeGivenByHandStays() {
        var policy = UnwindPolicy(setting: .dwarf, defaultStackCopy: copy, adaptsStackCopy: false, dwarfAvailable: true)
        #expect(policy.observeDwarfSamples(pid: 1, samples: 100, copyTooSmall: 100) == nil)
    }
}

/// The engine with in-memory sources: what drains add, what the policy decides,
/// what reaches the per-process table. No kernel involved.
struct SessionEngineTests {
    static func stack(_ names: String...) -> Stack { Stack(names.map { Frame(function: $0, module: "m") }) }

    @Test func eachProcessKeepsItsOwnModeAndNoSampleIsDiscarded() throws {
        var first = EmbeddedStackSource.Drain()
        first.framePointer(pid: 10, Self.stack("main", "fp_leaf"), count: 30, complete: true)
        first.framePointer(pid: 20, Self.stack("[unwind stopped: frame pointers]", "nofp_leaf"), count: 25, complete: false)
        var second = EmbeddedStackSource.Drain()
        second.framePointer(pid: 10, Self.stack("main", "fp_leaf"), count: 30, complete: true)
        second.dwarf(pid: 20, Self.stack("main", "nofp_leaf"), count: 30)
        let source = EmbeddedStackSource([first, second])
        let table = MemoryProcessUnwindTable()
        var dwarfLoads = 0
        let engine = SessionEngine(
            sources: [source], table: table,
            policy: UnwindPolicy(setting: .auto, defaultStackCopy: 8192, dwarfAvailable: true),
            dwarfLoaded: false, loadDwarf: { () throws(SamplingError) -> StackSource in
                dwarfLoads += 1
                return EmbeddedStackSource([])
            })

        try engine.drain()
        #expect(table.modes == [20: .dwarf(stackBytes: 8192)], "only the incomplete process moves to DWARF")
        #expect(dwarfLoads == 1)
        #expect(engine.decisions.processesOnDwarf == 1 && engine.decisions.processesOnFramePointers == 1)
        #expect(engine.profile.totalSamples == 55, "the frame-pointer samples before the switch are kept")

        try engine.drain()
        #expect(engine.profile.totalSamples == 115)
        #expect(engine.statistics.samplesCounted == 115)
        #expect(engine.statistics.framePointerSamples == 85 && engine.statistics.dwarfSamples == 30)
        #expect(dwarfLoads == 1, "DWARF loads once")
    }

    @Test func aFailedDwarfLoadKeepsFramePointersAndSaysWhy() throws {
        var drain = EmbeddedStackSource.Drain()
        drain.framePointer(pid: 7, Self.stack("leaf"), count: 40, complete: false)
        let table = MemoryProcessUnwindTable()
        let engine = SessionEngine(
            sources: [EmbeddedStackSource([drain])], table: table,
            policy: UnwindPolicy(setting: .auto, defaultStackCopy: 8192, dwarfAvailable: true),
            dwarfLoaded: false, loadDwarf: { () throws(SamplingError) -> StackSource in
                throw SamplingError(.bpfUnavailable, operation: "load the DWARF-mode BPF program", errno: EINVAL)
            })
        try engine.drain()
        #expect(table.modes.isEmpty)
        #expect(engine.decisions.first == [UnwindDecision.dwarfUnavailable(pid: 7, stacks: 40, incomplete: 40)])
        #expect(engine.dwarfError?.kind == .bpfUnavailable)
        #expect(engine.profile.totalSamples == 40)
    }

    @Test func copiesGrowInTheTableAndExitedProcessesAreSwept() throws {
        var drain = EmbeddedStackSource.Drain()
        drain.dwarf(pid: 5, Self.stack("[unwind stopped: stack copy too small]", "deep"), count: 10, copyTooSmall: true)
        let source = EmbeddedStackSource([drain])
        let table = MemoryProcessUnwindTable()
        let engine = SessionEngine(sources: [source], table: table,
                                   policy: UnwindPolicy(setting: .dwarf, defaultStackCopy: 8192, dwarfAvailable: true),
                                   dwarfLoaded: true, loadDwarf: nil)
        try engine.drain()
        #expect(table.modes[5] == .dwarf(stackBytes: 16384))
        #expect(engine.statistics[.unwindStackCopyTooSmall] == 10)
        engine.sweep { $0 != 5 }
        #expect(table.modes.isEmpty)
        #expect(source.forgotten == [5])
        engine.close()
        #expect(source.closed)
    }

    @Test func aRequestedModeReachesTheTable() throws {
        let table = MemoryProcessUnwindTable()
        let engine = SessionEngine(sources: [], table: table,
                                   policy: UnwindPolicy(setting: .framePointers, defaultStackCopy: 4096, dwarfAvailable: true),
                                   dwarfLoaded: false, loadDwarf: { () throws(SamplingError) -> StackSource in EmbeddedStackSource([]) })
        #expect(engine.request(.dwarf(stackBytes: 4096), for: 3) == nil)
        #expect(table.modes[3] == .dwarf(stackBytes: 4096))
        #expect(engine.request(.framePointers, for: 3) == nil)
        #expect(table.modes[3] == .framePointers)
    }

    @Test func keepsEveryDrainInTheTimeSlicesAndResetClearsThem() throws {
        var first = EmbeddedStackSource.Drain()
        first.framePointer(pid: 1, Self.stack("main", "early"), count: 30, complete: true)
        var second = EmbeddedStackSource.Drain()
        second.framePointer(pid: 1, Self.stack("main", "late"), count: 20, complete: true)
        let engine = SessionEngine(sources: [EmbeddedStackSource([first, second])], table: nil,
                                   policy: UnwindPolicy(setting: .framePointers, defaultStackCopy: 8192, dwarfAvailable: false),
                                   dwarfLoaded: false, loadDwarf: nil, historySeconds: 60)
        try engine.drain()
        try engine.drain()
        let slices = try #require(engine.slices)
        #expect(slices.capacity == 60)
        #expect(slices.totalSamples() == 50, "both drains are in the history")
        #expect(slices.profile(of: .all) == engine.profile)
        try engine.reset()
        #expect(engine.slices?.totalSamples() == 0)
    }

    @Test func keepsNoHistoryWhenAskedForNone() throws {
        let engine = SessionEngine(sources: [EmbeddedStackSource([])], table: nil,
                                   policy: UnwindPolicy(setting: .framePointers, defaultStackCopy: 8192, dwarfAvailable: false),
                                   dwarfLoaded: false, loadDwarf: nil)
        try engine.drain()
        #expect(engine.slices == nil)
    }
}
