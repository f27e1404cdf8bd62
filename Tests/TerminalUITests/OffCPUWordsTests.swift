import Foundation
import Profile
import Sampling
import TerminalUI
import Testing

struct OffCPUWordsTests {
    @Test func timesInTheirUnit() {
        #expect(OffCPUWords.time(microseconds: 850) == "850 µs")
        #expect(OffCPUWords.time(microseconds: 12_345) == "12.3 ms")
        #expect(OffCPUWords.time(microseconds: 4_560_000) == "4.56 s")
    }

    @Test func schedulerLeavesGiveWayToTheWait() {
        var counts = StackCounts()
        let kernel = { (name: String) in Frame(function: name, module: "[kernel]", kind: .kernel) }
        counts.add(Stack([Frame(function: "phase_sleep"), kernel("do_nanosleep"), kernel("schedule"), kernel("__schedule")]),
                   count: 5000)
        counts.add(Stack([Frame(function: "burn")]), count: 1000)
        let trimmed = OffCPUWords.withoutSchedulerLeaves(counts)
        #expect(trimmed.totalSamples == 6000)
        #expect(Set(trimmed.counts.keys.compactMap { $0.leaf?.function }) == ["do_nanosleep", "burn"])
    }

    func offSnapshot() -> SessionSnapshot {
        var counts = StackCounts()
        let kernel = { (name: String) in Frame(function: name, module: "[kernel]", kind: .kernel) }
        counts.add(Stack([Frame(function: "worker (tid 12)", kind: .process), Frame(function: "phase_sleep", module: "app"),
                          kernel("do_nanosleep"), kernel("schedule"), kernel("__schedule")]), count: 1_500_000)
        counts.add(Stack([Frame(function: "worker (tid 12)", kind: .process), Frame(function: "phase_pipe", module: "app"),
                          kernel("pipe_read"), kernel("schedule"), kernel("__schedule")]), count: 500_000)
        var settings = SessionSettings(target: .process(pid: 42))
        settings.mode = .off
        settings.unwind = .framePointers
        var statistics = SamplingStatistics()
        statistics.offCPU.blocks = 400
        statistics.offCPU.blockedMicroseconds = 2_000_000
        statistics.offCPU.shortBlocks = 9000
        statistics.offCPU.shortBlockedMicroseconds = 1_800_000
        statistics.offCPU.blockedBeforeStart = 2
        statistics.offCPU.stillBlockedAtEnd = 1
        return SessionSnapshot(settings: settings, counts: counts, statistics: statistics, state: .finished,
                               startedAt: Date(), elapsed: 2.0, targetName: "app", generation: 3)
    }

    @Test func anOffCPUSummarySaysTheUnitAndTheTotals() {
        let text = RecordSummary(snapshot: offSnapshot(), outputPath: "off.folded", stopSignal: nil).text
        #expect(text.contains("recorded PID 42 (app) for 2.0 s: 2.00 s of off-CPU time, 2 unique stacks (folded counts are microseconds)"),
                "\(text)")
        #expect(text.contains("off-CPU: 400 blocks from 1.0 ms (2.00 s), 9000 shorter (1.80 s, not in the profile)"), "\(text)")
        #expect(text.contains("2 blocked since before the start"), "\(text)")
        #expect(text.contains("1 still blocked at the end"), "\(text)")
        #expect(text.contains("   self%  total%       time  function"), "\(text)")
        #expect(text.contains(" 75.0%   75.0%      1.50 s  do_nanosleep [k]"), "the wait, not the scheduler, has the self time:\n\(text)")
        #expect(!text.contains("__schedule"), "\(text)")
    }
}
