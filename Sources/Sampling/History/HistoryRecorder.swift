import Dispatch
import FoundationEssentials
import Glibc
import PlatformSupport
import Synchronization

/// The rewind history's recorder: a low-rate system-wide frame-pointer sampler (default
/// 19 Hz, counted in the kernel) drained about once a second into a `RawHistoryRing`, so a
/// session started later for any process can begin with the minutes before it
/// (`takeSeed(pid:)`). Runs on a thread of its own while started; `start`, `stop`,
/// `takeSeed` and `status` are safe from any thread, and none of them symbolizes.
public final class HistoryRecorder: Sendable {
    public struct Settings: Sendable, Equatable {
        /// Samples a second per CPU; 0 turns the history off.
        public var hz = HistoryRecorder.defaultHz
        /// Seconds the ring holds (the TUI's `--history`).
        public var capacitySeconds = 600
        public var byteBudget = RawHistoryRing.defaultByteBudget
        public var drainIntervalMilliseconds = 1000

        public init() {}
    }

    /// 19 Hz: prime, so it does not beat with periodic work at round rates (99 Hz's reason
    /// too), and measured at well under 0.5% of one core system-wide (docs/BENCHMARKS.md).
    public static let defaultHz = 19
    public static let rateRange: ClosedRange<Int> = 0...1000

    public let settings: Settings
    private let shared: Shared

    private final class Shared: Sendable {
        let state: Mutex<State>
        init(ring: RawHistoryRing) { state = Mutex(State(ring: ring)) }
    }

    private struct State {
        var ring: RawHistoryRing
        var phase = HistoryStatus.Phase.stopped
        var wakeup: EventFD?
        var stopRequested = false
        var finished: DispatchSemaphore?
        var cost = HistoryStatus.Cost()
        var counters = HistoryStatus.Counters()
    }

    public init(settings: Settings) {
        self.settings = settings
        shared = Shared(ring: RawHistoryRing(hz: settings.hz, capacitySeconds: settings.capacitySeconds,
                                            byteBudget: settings.byteBudget))
    }

    /// Starts sampling on a new thread unless it runs already; `status().phase` says when
    /// it runs, or why it could not start. The ring keeps what earlier runs recorded.
    public func start() {
        guard settings.hz > 0 else { return }
        let finished = DispatchSemaphore(value: 0)
        let proceed = shared.state.withLock { state -> Bool in
            switch state.phase {
            case .starting, .running: return false
            case .stopped, .failed: break
            }
            state.phase = .starting
            state.stopRequested = false
            state.finished = finished
            return true
        }
        guard proceed else { return }
        DedicatedThread.start(name: "flametop-history") { [shared, settings] in
            Self.run(shared: shared, settings: settings)
            finished.signal()
        }
    }

    /// Stops sampling after a last drain and waits for it (at most `timeout` seconds); what
    /// was recorded stays in the ring.
    public func stop(timeout: Double = 3) {
        let (wakeup, finished) = shared.state.withLock { state in
            state.stopRequested = true
            return (state.wakeup, state.finished)
        }
        wakeup?.signal()
        guard let finished else { return }
        if finished.wait(timeout: .now() + timeout) == .success { finished.signal() }
    }

    /// Records only these processes from the next drain on; nil: every process (see
    /// `RawHistoryRing.admitted`).
    public func record(only pids: Set<Int32>?) {
        shared.state.withLock { $0.ring.admitted = pids }
    }

    /// Takes `pid`'s history out of the ring (see `RawHistoryRing.takeSeed`).
    public func takeSeed(pid: Int32) -> HistorySeed? {
        shared.state.withLock { $0.ring.takeSeed(pid: pid) }
    }

    /// Samples the ring holds for one process.
    public func samples(of pid: Int32) -> UInt64 {
        shared.state.withLock { $0.ring.samples(of: pid) }
    }

    public func status() -> HistoryStatus {
        shared.state.withLock { state in
            HistoryStatus(hz: settings.hz, phase: state.phase, heldSeconds: state.ring.heldSpan,
                          processes: state.ring.processCount, samples: state.ring.samples,
                          evictedSamples: state.ring.evictedSamples, uniqueStacks: state.ring.uniqueStacks,
                          ringBytes: state.ring.estimatedBytes, byteBudget: state.ring.byteBudget,
                          cost: state.cost, counters: state.counters)
        }
    }

    // MARK: The recorder's thread

    private static func run(shared: Shared, settings: Settings) {
        let interval = Double(max(settings.drainIntervalMilliseconds, 10)) / 1000
        let sampler: HistorySampler
        let wakeup: EventFD
        do throws(SamplingError) {
            wakeup = try EventFD()
            sampler = try HistorySampler(hz: settings.hz, drainSeconds: interval)
        } catch {
            shared.state.withLock { $0.phase = .failed(error) }
            return
        }
        let proceed = shared.state.withLock { state -> Bool in
            guard !state.stopRequested else { return false }
            state.wakeup = wakeup
            state.phase = .running
            state.cost.kernelMapBytes = sampler.kernelMapBytes
            return true
        }
        var meter = HistoryCostMeter(programRunTime: sampler.programRunTime())
        var lastDrain = HistoryClock.seconds()
        var failure: SamplingError?
        while proceed {
            let stopping = wait(on: wakeup, seconds: interval - (HistoryClock.seconds() - lastDrain))
                || shared.state.withLock { $0.stopRequested }
            if !stopping, HistoryClock.seconds() - lastDrain < interval { continue }
            let drained: [RawSample]
            do throws(SamplingError) {
                drained = try sampler.drain()
            } catch {
                failure = error
                break
            }
            let now = HistoryClock.seconds()
            let middle = (lastDrain + now) / 2
            lastDrain = now
            let cost = meter.measure(at: now, programRunTime: sampler.programRunTime())
            let counters = HistoryStatus.Counters(sampler.counters())
            shared.state.withLock { state in
                state.ring.record(drained, at: middle)
                if let cost { state.cost.update(with: cost) }
                state.counters = counters
            }
            if stopping { break }
        }
        sampler.close()
        shared.state.withLock { state in
            state.wakeup = nil
            state.phase = failure.map { .failed($0) } ?? .stopped
        }
    }

    /// Waits until `seconds` pass or the event fd is signalled; true when signalled.
    private static func wait(on wakeup: EventFD, seconds: Double) -> Bool {
        var descriptor = pollfd(fd: wakeup.fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(max(0, (seconds * 1000).rounded(.up)))
        guard poll(&descriptor, 1, milliseconds) > 0 else { return false }
        wakeup.drain()
        return true
    }
}
