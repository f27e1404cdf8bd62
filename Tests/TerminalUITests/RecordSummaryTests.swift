import Foundation
import Profile
import Sampling
import TerminalUI
import Testing

struct RecordSummaryTests {
    func snapshot(state: SessionSnapshot.State, statistics: SamplingStatistics = SamplingStatistics()) -> SessionSnapshot {
        var counts = StackCounts()
        counts.add(Stack([Frame(function: "main", module: "app"),
                          Frame(function: "hot", module: "app", sourceFile: "/src/app/hot.c", line: 42)]), count: 75)
        counts.add(Stack([Frame(function: "main", module: "app"), Frame(function: "vfs_read", module: "[kernel]", kind: .kernel)]),
                   count: 25)
        var settings = SessionSettings(target: .process(pid: 42))
        settings.frequency = 99
        return SessionSnapshot(settings: settings, counts: counts, statistics: statistics, state: state,
                               startedAt: Date(), elapsed: 1.0, targetName: "app", generation: 3)
    }

    @Test func summarisesSamplesTopFunctionsAndEnding() {
        let text = RecordSummary(snapshot: snapshot(state: .finished), outputPath: "out.folded", stopSignal: nil).text
        #expect(text.contains("recorded PID 42 (app) for 1.0 s at 99 Hz: 100 samples, 2 unique stacks"))
        #expect(text.contains("ended: duration elapsed"))
        #expect(text.contains("wrote out.folded"))
        #expect(text.contains(" 75.0%   75.0%        75  hot  [app]  hot.c:42"))
        #expect(text.contains("vfs_read [k]  [kernel]"))
        #expect(!text.contains("  main"), "functions without self time are not in the top list")
        #expect(text.contains("losses: none"))
    }

    @Test func aStarvedDrainIsReportedWithTheTimeSamplingRan() {
        var statistics = SamplingStatistics()
        statistics.longestDrainGapMicroseconds = 10_900_000
        var starved = snapshot(state: .finished, statistics: statistics)
        starved.settings.duration = 5
        starved.elapsed = 14.2
        let text = RecordSummary(snapshot: starved, outputPath: nil, stopSignal: nil).text
        #expect(text.contains("for 14.2 s at 99 Hz"), "the duration covered, not the one asked:\n\(text)")
        #expect(text.contains("drains fell behind: 10.9 s between two (one every 0.5 s expected): "
                              + "the host is starved (flametop got too little CPU); "
                              + "sampling ran 14.2 s of the 5 s asked, all of it in the profile"), "\(text)")
        statistics.longestDrainGapMicroseconds = 1_400_000
        #expect(!RecordSummary(snapshot: snapshot(state: .finished, statistics: statistics), outputPath: nil,
                               stopSignal: nil).text.contains("drains fell behind"), "less than 1 s late is not starved")
    }

    @Test func countsTheStacksTheFileHolds() {
        var summary = RecordSummary(snapshot: snapshot(state: .finished), outputPath: nil, stopSignal: nil)
        summary.stacksWritten = 1
        #expect(summary.text.contains("100 samples, 1 unique stacks"))
    }

    @Test func namesTheUnwindModeAndSuggestsDwarf() {
        var auto = snapshot(state: .finished)
        auto.unwind = .dwarf
        var log = UnwindDecisionLog()
        log.record(.dwarf(pid: 42, stacks: 20, incomplete: 20))
        log.record(.stackCopyGrown(pid: 42, from: 8192, to: 16384))
        auto.unwindDecisions = log
        auto.stackCopyBytes = 16384
        let text = RecordSummary(snapshot: auto, outputPath: nil, stopSignal: nil).text
        #expect(text.contains("unwind: auto: DWARF (only 0% of the first 20 frame-pointer stacks were complete); stack copy grown to 16 KB"), "\(text)")

        var statistics = SamplingStatistics()
        statistics.framePointerStacks = 100
        statistics.framePointerStacksIncomplete = 80
        var manual = snapshot(state: .finished, statistics: statistics)
        manual.settings.unwind = .framePointers
        manual.unwind = .framePointers
        #expect(RecordSummary(snapshot: manual, outputPath: nil, stopSignal: nil).text
            .contains("unwind: frame pointers; 80% of 100 stacks reach no thread entry (code without frame pointers): try --unwind auto or dwarf"))
    }

    @Test func namesTheSignalAndEveryLoss() {
        var statistics = SamplingStatistics()
        statistics.kernelStackMapFull = 4
        let text = RecordSummary(snapshot: snapshot(state: .stopped, statistics: statistics), outputPath: nil,
                                 stopSignal: "SIGTERM").text
        #expect(text.contains("ended: stopped by SIGTERM"))
        #expect(text.contains("kernel stack map full (raise --stack-map-size): 4"))
        #expect(!text.contains("wrote"))
    }

    @Test func aProfileThatCouldNotBeWrittenIsNotCalledLossless() {
        var summary = RecordSummary(snapshot: snapshot(state: .finished), outputPath: nil, stopSignal: nil)
        summary.profileLost = true
        #expect(summary.text.contains("losses: all 100 samples: the profile could not be written"))
        #expect(!summary.text.contains("losses: none"))
    }
}

extension RecordSummaryTests {
    @Test func samplesShortOfTheTargetsCPUTimeAreSaidWithTheRemedy() {
        var short = snapshot(state: .finished)
        short.targetCPUSeconds = 4.0 // 396 samples expected at 99 Hz, 100 counted
        let text = RecordSummary(snapshot: short, outputPath: nil, stopSignal: nil).text
        #expect(text.contains("samples short: 100 of the ~396 the target's 4.00 s of CPU should give at 99 Hz (25%)"), "\(text)")
        #expect(text.contains("--event-scope per-cpu"))
        short.targetCPUSeconds = 1.1 // 109 expected: 92%
        #expect(!RecordSummary(snapshot: short, outputPath: nil, stopSignal: nil).text.contains("samples short"))
        short.targetCPUSeconds = 0.5 // under 100 expected: no verdict
        #expect(!RecordSummary(snapshot: short, outputPath: nil, stopSignal: nil).text.contains("samples short"))
    }
}
