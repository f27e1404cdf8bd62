import Foundation
import Profile
@testable import Sampling
import TestSupport
import Testing

/// Names frames by their raw address: lets these tests check the kernel side
/// (stack capture, counting, draining) without depending on symbolization.
final class AddressNamingSymbolizer: AddressSymbolizer {
    func prepare(pid: Int32) {}
    func forget(pid: Int32) {}
    func symbolizeUser(pid: Int32, addresses: [UInt64]) -> [Frame] {
        addresses.map { Frame(function: "0x" + String($0, radix: 16)) }
    }
    func symbolizeKernel(addresses: [UInt64]) -> [Frame] {
        addresses.map { Frame(function: "0x" + String($0, radix: 16), kind: .kernel) }
    }
}

/// The session engine on a real process, without the CLI.
@Suite(.serialized)
struct SessionSystemTests {
    /// Draining every 10 ms flips the buffers ~150 times while samples arrive: the
    /// profile must hold exactly the samples the kernel counted, with both drain paths.
    @Test(.needsRoot, arguments: [false, true])
    func drainingNeverLosesACountedSample(forceKeyLoop: Bool) throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 999
        settings.duration = 2
        settings.drainIntervalMilliseconds = 10
        if forceKeyLoop { settings.forcedFallbacks = [.batchMapOps] }
        let cpuBefore = try #require(ProcessCPU.seconds(of: busy.pid))

        let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
        #expect(session.usesBatchDrain == !forceKeyLoop)
        let final = session.run()
        let cpuSeconds = try #require(ProcessCPU.seconds(of: busy.pid)) - cpuBefore

        #expect(final.state == .finished)
        #expect(final.statistics.drains > 100)
        #expect(final.counts.totalSamples == final.statistics.samplesCounted,
                "every sample the BPF program counted reaches the profile")
        // Drain bugs would show as these (stacks are stored by content: none collide).
        #expect(final.statistics.droppedMapFull == 0)
        #expect(final.statistics.stacksMissingAtDrain == 0)
        #expect(final.statistics.userStackMapFull == 0 && final.statistics.kernelStackMapFull == 0)
        // Per-task cpu-clock fires per 1/999 s of the target's CPU time.
        let expected = cpuSeconds * 999
        #expect(Double(final.counts.totalSamples) > 0.8 * expected - 20, "\(final.counts.totalSamples) vs ~\(Int(expected))")
        #expect(Double(final.counts.totalSamples) < 1.2 * expected + 20, "\(final.counts.totalSamples) vs ~\(Int(expected))")
        #expect(session.usesBatchDrain == !forceKeyLoop, "the batch path must not silently fall back")
    }

    /// Per-CPU events with the PID filter in BPF see the same process.
    @Test(.needsRoot) func perCPUScopeFiltersByProcess() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 499
        settings.duration = 1
        settings.eventScope = .perCPU
        let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
        #expect(session.eventScope == .perCPU)
        let final = session.run()
        #expect(final.counts.totalSamples > 200)
        #expect(final.counts.totalSamples == final.statistics.samplesCounted)
    }

    /// A reset discards what was collected; sampling goes on.
    @Test(.needsRoot) func resetStartsTheProfileAfresh() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 999
        settings.duration = 2
        settings.drainIntervalMilliseconds = 100
        let session = try ProfilingSession(settings: settings, symbolizer: AddressNamingSymbolizer())
        var resetDone = false
        var maximumBeforeReset: UInt64 = 0
        let final = session.run { snapshot in
            if !resetDone && snapshot.elapsed > 1.2 {
                maximumBeforeReset = snapshot.counts.totalSamples
                session.requestReset()
                resetDone = true
            }
        }
        #expect(resetDone)
        #expect(final.counts.totalSamples > 0)
        #expect(final.counts.totalSamples < maximumBeforeReset, "after a reset at 1.2 s, 2 s hold fewer samples than 1.2 s")
        // Only samples of the microseconds between the buffer flip and reading the
        // counters' base may differ (see resetProfile).
        let difference = abs(Int64(final.counts.totalSamples) - Int64(final.statistics.samplesCounted))
        #expect(difference <= 3, "profile \(final.counts.totalSamples) vs counted \(final.statistics.samplesCounted)")
    }

    /// The TUI's way: sampling on a background thread until stopped, snapshots
    /// read from another thread meanwhile.
    @Test(.needsRoot) func backgroundSessionRunsUntilStopped() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        var settings = SessionSettings(target: .process(pid: busy.pid))
        settings.frequency = 499
        settings.duration = nil
        settings.drainIntervalMilliseconds = 100
        let background = BackgroundSession(session: try ProfilingSession(settings: settings,
                                                                         symbolizer: AddressNamingSymbolizer()))
        #expect(Wait.until(timeout: 20) { background.snapshot().counts.totalSamples >= 100 },
                "snapshots must grow while sampling runs")
        let seen = background.snapshot().counts.totalSamples
        #expect(background.isRunning)
        let final = background.stop()
        #expect(!background.isRunning)
        #expect(final.state == .stopped)
        #expect(final.counts.totalSamples >= seen)
    }
}
