import Dispatch
import FoundationEssentials
import Glibc
import PlatformSupport
import Synchronization

/// Two threads between the DWARF program's ring buffer and the profile. One
/// empties the ring every few milliseconds into an `UnwindQueue` (a copy per
/// record, so it keeps up on a busy host); the other unwinds what is queued.
/// The program never wakes user space (BPF_RB_NO_WAKEUP): a wakeup per sample
/// would cost more than this clock.
final class RingConsumer: @unchecked Sendable {
    /// Touched only by the ring thread once it runs.
    private final class Ring: @unchecked Sendable {
        let sampler: DwarfSampler
        init(_ sampler: DwarfSampler) { self.sampler = sampler }
    }

    static let interval: useconds_t = 5_000

    private let consuming = Atomic<Bool>(true)
    private let unwinding = Atomic<Bool>(true)
    private let ringDone = DispatchSemaphore(value: 0)
    private let unwindDone = DispatchSemaphore(value: 0)

    /// Starts at once. `sampler`'s ring (opened with `unwindQueueRecordHandler`
    /// and `queue`) is touched only by the ring thread from now on, the
    /// collector's unwinder only by the unwinding thread.
    init(sampler: DwarfSampler, queue: UnwindQueue, collector: DwarfStackCollector) {
        let ring = Ring(sampler)
        DedicatedThread.start(name: "flametop-ring") { [self] in
            while consuming.load(ordering: .relaxed) {
                if ring.sampler.consume() == 0 { usleep(Self.interval) }
            }
            // What arrived before the stop still counts.
            ring.sampler.consume()
            ringDone.signal()
        }
        DedicatedThread.start(name: "flametop-unwind") { [self] in
            while true {
                // Read before taking: a stop seen here means the ring thread's
                // last records are already queued, so this take is the last.
                let last = !unwinding.load(ordering: .acquiring)
                let records = queue.takeAll()
                for record in records { collector.handle(record) }
                if last { break }
                if records.isEmpty { usleep(Self.interval) }
            }
            unwindDone.signal()
        }
    }

    /// Stops the ring thread after a last consume, then the unwinder after it
    /// has unwound everything queued, and waits for both.
    func stop() {
        guard consuming.exchange(false, ordering: .relaxed) else { return }
        ringDone.wait()
        unwinding.store(false, ordering: .releasing)
        unwindDone.wait()
    }
}
