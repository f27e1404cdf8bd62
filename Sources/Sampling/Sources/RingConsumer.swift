import Foundation
import Synchronization

/// Empties the DWARF program's ring buffer on a thread of its own, every few
/// milliseconds, so a slow drain (symbolizing a large binary for the first time)
/// never leaves the ring full. The program never wakes user space
/// (BPF_RB_NO_WAKEUP): a wakeup per sample would cost more than this clock.
final class RingConsumer: @unchecked Sendable {
    /// Touched only by the consumer thread once it runs.
    private final class Ring: @unchecked Sendable {
        let sampler: DwarfSampler
        init(_ sampler: DwarfSampler) { self.sampler = sampler }
    }

    static let interval: useconds_t = 5_000

    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)

    /// Starts consuming at once. `sampler`'s ring is touched only by this thread from now on.
    init(sampler: DwarfSampler) {
        let ring = Ring(sampler)
        let thread = Thread { [self] in
            while running.load(ordering: .relaxed) {
                if ring.sampler.consume() == 0 { usleep(Self.interval) }
            }
            // What arrived before the stop still counts.
            ring.sampler.consume()
            done.signal()
        }
        thread.name = "flametop-ring"
        thread.start()
    }

    /// Stops the thread after a last consume, and waits for it.
    func stop() {
        guard running.exchange(false, ordering: .relaxed) else { return }
        done.wait()
    }
}
