import Dispatch
import FoundationEssentials
import PlatformSupport

/// Opens a session's perf events on a thread of its own while the caller loads the
/// BPF program. The first perf event on a system where none is open waits ~9 ms in
/// the kernel (measured here: 9.2–9.7 ms elapsed, no CPU time: the kernel enables
/// perf's scheduling hooks), and loading the program takes ~12 ms: done side by
/// side, the wait is hidden instead of added to the time to the first sample.
///
/// `wait()` must be called before `events` is used or released, on every path.
final class PerfEventOpener: @unchecked Sendable {
    private let events: PerfEventSet
    private let finished = DispatchSemaphore(value: 0)
    /// Written by the opening thread before it signals, read after the wait.
    private var outcome: Result<Void, SamplingError> = .success(())

    init(_ events: PerfEventSet, open: @escaping @Sendable (PerfEventSet) throws(SamplingError) -> Void) {
        self.events = events
        DedicatedThread.start(name: "flametop-perf-open") { [self] in
            do throws(SamplingError) {
                try open(self.events)
            } catch {
                outcome = .failure(error)
            }
            finished.signal()
        }
    }

    /// Waits for the opening thread; rethrows what it threw.
    func wait() throws(SamplingError) {
        finished.wait()
        try outcome.get()
    }
}
