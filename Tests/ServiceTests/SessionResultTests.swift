import Foundation
import Gzip
import Pprof
import Profile
@testable import Sampling
@testable import Service
import Testing

/// A result whose session began with its pre-trigger history: both rates weighted into
/// CPU time, in the folded file, the pprof file and the figures the metadata sends.
@Suite struct SessionResultTests {
    static let before = Stack([Frame(function: "main"), Frame(function: "before_trigger")])
    static let after = Stack([Frame(function: "main"), Frame(function: "after_trigger")])

    static func snapshot(seeded: Bool, sampled: Bool = true) -> SessionSnapshot {
        var settings = SessionSettings(target: .process(pid: 42))
        settings.frequency = 99
        settings.duration = 1
        var slices = TimeSlices(capacity: 10)
        if seeded {
            // Two seconds of a busy thread at 19 Hz before the session.
            slices.seed(StackCounts([(before, UInt64(19))]), second: -2, hz: 19)
            slices.seed(StackCounts([(before, UInt64(19))]), second: -1, hz: 19)
        }
        let own = sampled ? StackCounts([(after, UInt64(99))]) : StackCounts()
        slices.record(own, second: 0)
        var snapshot = SessionSnapshot(settings: settings, counts: own,
                                       statistics: SamplingStatistics(), state: .finished,
                                       startedAt: Date(timeIntervalSince1970: 1_000), elapsed: 1, targetName: "app",
                                       generation: 3)
        snapshot.slices = slices
        return snapshot
    }

    @Test func theHistoryAndTheSessionAreWeightedIntoCPUMicroseconds() throws {
        let result = SessionResult(sessionID: "s", pid: 42, final: Self.snapshot(seeded: true))
        #expect(result.preTrigger == SessionResult.PreTriggerPart(seconds: 2, hz: 19, samples: 38))
        #expect(result.unit == .microseconds && result.unit.metadataName == "microseconds")
        // 38 samples at 19 Hz and 99 at 99 Hz: 2 s and 1 s of CPU, not 38 + 99 samples.
        let folded = String(decoding: result.folded, as: UTF8.self)
        #expect(folded.contains("main;before_trigger 2000000\n") && folded.contains("main;after_trigger 1000000\n"), "\(folded)")
        #expect(result.sampleCount == 3_000_000 && result.uniqueStacks == 2)

        let pprof = try PprofReader().read(try Gzip.decompress(try result.pprof.get()))
        #expect(pprof.period == 1_000 && pprof.periodType == "cpu" && pprof.periodUnit == "nanoseconds")
        #expect(pprof.comments.contains { $0.contains("CPU microseconds") && $0.contains("2 s of the 19 Hz history") },
                "\(pprof.comments)")
        // The profile's span begins with the history.
        #expect(pprof.timeNanos == 998_000_000_000 && pprof.durationNanos == 3_000_000_000)
    }

    /// A process that exited at the firing: its history alone, still in CPU time.
    @Test func aHistoryAloneIsStillCPUTime() throws {
        let result = SessionResult(sessionID: "s", pid: 42, final: Self.snapshot(seeded: true, sampled: false))
        #expect(result.unit == .microseconds && result.preTrigger?.samples == 38)
        #expect(String(decoding: result.folded, as: UTF8.self) == "main;before_trigger 2000000\n")
    }

    @Test func withoutAHistoryTheResultCountsSamples() throws {
        let result = SessionResult(sessionID: "s", pid: 42, final: Self.snapshot(seeded: false))
        #expect(result.preTrigger == nil && result.unit == .samples(hz: 99) && result.unit.metadataName == "samples")
        #expect(String(decoding: result.folded, as: UTF8.self) == "main;after_trigger 99\n")
        let pprof = try PprofReader().read(try Gzip.decompress(try result.pprof.get()))
        #expect(pprof.period == 1_000_000_000 / 99 && pprof.timeNanos == 1_000_000_000_000)
    }
}
