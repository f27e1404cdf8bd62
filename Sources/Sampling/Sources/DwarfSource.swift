import CProfilerABI
import Profile

/// Stacks unwound in user space with the binaries' CFI (bpf/unwind.bpf.c sends
/// registers and a copy of the user stack through a ring buffer). The program
/// runs only for processes the per-process table puts in DWARF mode: the
/// frame-pointer program hands their samples over with a tail call.
final class DwarfSource: StackSource {
    let sampler: DwarfSampler
    private let collector: DwarfStackCollector
    private let queue: UnwindQueue
    private var consumer: RingConsumer?
    private var counterBase = [UInt64](repeating: 0, count: Int(FT_UNWIND_COUNTER_COUNT.rawValue))
    private var recordsBase: UInt64 = 0

    init(sampler: DwarfSampler, symbolizer: AddressSymbolizer, rootByProcess: Bool,
         budget: MemoryBudget?, keepsThreads: Bool = false) throws(SamplingError) {
        self.sampler = sampler
        collector = DwarfStackCollector(symbolizer: symbolizer, rootByProcess: rootByProcess, budget: budget,
                                        keepsThreads: keepsThreads)
        queue = UnwindQueue(budget: budget)
        // The queue lives as long as this source, which stops the consumer before it goes.
        try sampler.openRing(context: Unmanaged.passUnretained(queue).toOpaque(), handler: unwindQueueRecordHandler)
        consumer = RingConsumer(sampler: sampler, queue: queue, collector: collector)
    }

    deinit { close() }

    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError) {
        collector.drain(into: &output, statistics: &statistics)
        let totals = sampler.readCounters()
        func value(_ counter: ft_unwind_counter) -> UInt64 {
            let index = Int(counter.rawValue)
            return totals[index] &- counterBase[index]
        }
        statistics.dwarfSamples = collector.recordsHandled
        statistics.droppedRingFull = value(FT_UNWIND_DROPPED_RING_FULL)
        statistics.droppedUnwindQueueFull = queue.dropped
    }

    func reset() throws(SamplingError) {
        var discarded = DrainOutput()
        var scratch = SamplingStatistics()
        try drain(into: &discarded, statistics: &scratch, priority: .none)
        collector.reset()
        queue.reset()
        counterBase = sampler.readCounters()
    }

    func forget(pid: Int32) {
        collector.forget(pid: pid)
    }

    func close() {
        consumer?.stop()
        consumer = nil
    }
}
