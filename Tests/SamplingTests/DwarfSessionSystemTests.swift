import Foundation
import Profile
@testable import Sampling
import TestSupport
import Testing

/// DWARF-mode sessions on real processes, without the CLI.
@Suite(.serialized)
struct DwarfSessionSystemTests {
    /// Every record read from the ring buffer reaches the profile, and the
    /// program's count of what it sent matches what was read.
    @Test(.needsRoot) func everyRecordReachesTheProfile() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 999
        settings.duration = 2
        settings.unwind = .dwarf
        let cpuBefore = try #require(ProcessCPU.seconds(of: busy.pid))
        let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
        let final = session.run()
        let cpuSeconds = try #require(ProcessCPU.seconds(of: busy.pid)) - cpuBefore

        #expect(final.state == .finished)
        // Per-task cpu-clock fires per 1/999 s of the target's CPU time.
        let expected = cpuSeconds * 999
        #expect(Double(final.statistics.samplesCounted) > 0.8 * expected - 20,
                "\(final.statistics.samplesCounted) samples vs ~\(Int(expected))")
        #expect(final.counts.totalSamples == final.statistics.samplesCounted)
        #expect(final.statistics.droppedRingFull == 0, "1 kHz of small records fit a 2 MB ring emptied every 20 ms")
    }

    /// A ring too small for the rate: the program drops and counts, the target and
    /// the session go on, and what was kept is still in the profile.
    @Test(.needsRoot) func aFullRingDropsAndCounts() throws {
        // A ~100 KB deep stack, so every record carries the whole 32 KB copy.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let busy = try Workloads.start(try Workloads.build("unwind_shapes", in: directory, flags: ["-O2", "-g", "-pthread"]),
                                       arguments: ["deep", "200"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 1000
        settings.duration = 2
        settings.unwind = .dwarf
        settings.stackCopyBytes = 32768
        settings.ringBufferBytes = 65536 // two 33 KB records at most, ~20 arrive per consume
        let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
        let final = session.run()

        #expect(final.state == .finished)
        #expect(final.statistics.droppedRingFull > 100, "dropped \(final.statistics.droppedRingFull)")
        #expect(final.statistics.samplesCounted > 50, "kept \(final.statistics.samplesCounted)")
        #expect(final.counts.totalSamples == final.statistics.samplesCounted)
        #expect(final.statistics.nonZeroLosses.contains { $0.loss == .ringBufferFull })
    }
}
