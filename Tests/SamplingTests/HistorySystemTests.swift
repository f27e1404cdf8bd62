import Foundation
import Profile
@testable import Sampling
import Symbolization
import TestSupport
import Testing

/// The rewind history on the real kernel: the recorder samples every process at 19 Hz
/// while a workload burns `first_half`; a session seeded with the workload's history
/// begins with low-rate seconds, before its own, whose stacks name that function.
@Suite(.serialized)
struct HistorySystemTests {
    @Test(.needsRoot) func aSeededSessionBeginsWithTheSecondsBeforeIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Workloads.build("phases", in: directory))
        defer { workload.terminate() }
        let recorder = HistoryRecorder(settings: HistoryRecorder.Settings())
        recorder.start()
        defer { recorder.stop() }

        // A busy thread gets ~19 samples a second: 3 s of them, at most 30 s (a loaded host).
        let gathered = Wait.until(timeout: 30, interval: 0.1) {
            if case .failed = recorder.status().phase { return true }
            return recorder.samples(of: workload.pid) >= 57
        }
        let status = recorder.status()
        if case .failed(let error) = status.phase { Issue.record("the recorder failed: \(error)") }
        #expect(gathered, "the ring held \(recorder.samples(of: workload.pid)) samples of the workload after 30 s")
        #expect(status.counters.droppedMapFull == 0 && status.counters.stacksMapFull == 0, "maps sized for the rate")
        let share = try #require(status.cost.drainCPUShare, "the drain thread's CPU was measured")
        #expect(share < 0.05, "drain thread at \(share * 100)% of a core")
        #expect(status.ringBytes > 0 && status.ringBytes <= status.byteBudget)

        recorder.stop()
        guard case .stopped = recorder.status().phase else {
            Issue.record("the recorder did not stop: \(recorder.status().phase)")
            return
        }
        let seed = try #require(recorder.takeSeed(pid: workload.pid))
        #expect(seed.samples >= 57)
        #expect(recorder.samples(of: workload.pid) == 0, "the seed left the ring")

        var settings = SessionSettings(target: .process(pid: workload.pid))
        settings.duration = 1
        settings.historySeconds = 600
        let session = try ProfilingSession(settings: settings, symbolizer: Symbolizer(), seed: seed)
        let final = session.run()
        let slices = try #require(final.slices)
        let lowRate = try #require(slices.lowRate, "the session holds the low-rate seconds")
        #expect(lowRate.hz == HistoryRecorder.defaultHz)
        #expect(lowRate.newestSecond < 0, "they precede the session's own seconds")
        #expect(lowRate.samples == seed.samples, "every sample of the history was seeded")

        let history = slices.windowCounts(of: .seconds(slices.firstSecond!...lowRate.newestSecond), hz: settings.frequency)
        #expect(history.unit == .samples(hz: 19))
        let hot = history.counts.counts.filter { $0.key.leaf?.function == "first_half" }.values.reduce(0, +)
        #expect(Double(hot) >= 0.9 * Double(history.counts.totalSamples),
                "first_half in \(hot) of \(history.counts.totalSamples) history samples: \(history.counts.counts.keys.map { $0.frames.map(\.function).joined(separator: ";") })")
        #expect(history.counts.counts.keys.contains { $0.frames.map(\.function).suffix(2) == ["main", "first_half"] },
                "symbolized with the session's symbolizer, callers included")
        // The session's own samples follow at its rate, and the whole is CPU time.
        #expect(final.counts.totalSamples > 0)
        #expect(slices.wholeSession(final.counts, hz: settings.frequency).unit == .microseconds)
    }
}
