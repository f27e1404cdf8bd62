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
    @Test func everyRecordReachesTheProfile() throws {
        guard try Privileges.requireRoot("everyRecordReachesTheProfile") else { return }
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 999
        settings.duration = 2
        settings.unwind = .dwarf
        let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
        let final = session.run()

        #expect(final.state == .finished)
        #expect(final.statistics.samplesCounted > 1000, "~2000 samples of a busy loop; got \(final.statistics.samplesCounted)")
        #expect(final.counts.totalSamples == final.statistics.samplesCounted)
        #expect(final.statistics.droppedRingFull == 0, "2 kHz of 9 KB records fit an 8 MB ring emptied every 20 ms")
    }

    /// A ring too small for the rate: the program drops and counts, the target and
    /// the session go on, and what was kept is still in the profile.
    @Test func aFullRingDropsAndCounts() throws {
        guard try Privileges.requireRoot("aFullRingDropsAndCounts") else { return }
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
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
        #expect(final.statistics.nonZeroLosses.contains { $0.name.contains("ring buffer full") })
    }
}
