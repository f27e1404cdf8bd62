import CProfilerABI
import Profile

/// Stacks walked by the kernel with frame pointers (bpf/profile.bpf.c): counted
/// in a double-buffered hash per (pid, tid, user stack, kernel stack), drained by
/// flipping the buffer and emptying the idle one.
final class FramePointerSource: StackSource {
    let sampler: BPFSampler
    private let drainer: CountsDrainer
    private let assembler: StackAssembler
    private var activeBuffer = 0
    private var counterBase = [UInt64](repeating: 0, count: Int(FT_COUNTER_COUNT.rawValue))

    var usesBatchDrain: Bool { drainer.usesBatch }

    init(sampler: BPFSampler, symbolizer: AddressSymbolizer, rootByProcess: Bool,
         marksIncompleteStacks: Bool, allowBatch: Bool) {
        self.sampler = sampler
        drainer = CountsDrainer(capacity: 4096, allowBatch: allowBatch)
        assembler = StackAssembler(symbolizer: symbolizer, rootByProcess: rootByProcess,
                                   marksIncompleteStacks: marksIncompleteStacks)
    }

    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError) {
        let idle = activeBuffer
        activeBuffer = 1 - activeBuffer
        try sampler.maps.activate(buffer: activeBuffer)

        let drained = try drainer.drain(fd: sampler.maps.counts[idle])
        // Processes waiting for a decision: their outermost frames first, the
        // decision, then everything symbolized in full.
        var urgentPIDs = Set<Int32>()
        for entry in drained where priority.first(Int32(bitPattern: entry.key.pid)) {
            urgentPIDs.insert(Int32(bitPattern: entry.key.pid))
        }
        if !urgentPIDs.isEmpty {
            assembler.observe(drained.filter { urgentPIDs.contains(Int32(bitPattern: $0.key.pid)) },
                              maps: sampler.maps, buffer: idle, into: &output)
            priority.afterFirst(&output)
        }
        let used = assembler.assemble(drained, maps: sampler.maps, buffer: idle, into: &output, statistics: &statistics,
                                      observed: { urgentPIDs.contains($0) })
        let droppedBefore = statistics.droppedMapFull
        apply(sampler.maps.readCounters(), to: &statistics)
        if statistics.droppedMapFull > droppedBefore {
            // A dropped sample's stacks are referenced by no count: sweep them.
            sampler.maps.clearStacks(buffer: idle)
        } else {
            for id in used { sampler.maps.deleteStack(hash: id, buffer: idle) }
        }
    }

    func reset() throws(SamplingError) {
        var discarded = DrainOutput()
        var scratch = SamplingStatistics()
        try drain(into: &discarded, statistics: &scratch, priority: .none)
        counterBase = sampler.maps.readCounters()
    }

    func forget(pid: Int32) {}

    func close() {}

    /// Samples the program has seen (for the time to the first sample).
    var samplesSeen: UInt64 { sampler.maps.readCounters()[Int(FT_SAMPLES_SEEN.rawValue)] }

    private func apply(_ totals: [UInt64], to statistics: inout SamplingStatistics) {
        func value(_ counter: ft_counter) -> UInt64 {
            let index = Int(counter.rawValue)
            return totals[index] &- counterBase[index]
        }
        statistics.samplesSeen = value(FT_SAMPLES_SEEN)
        statistics.framePointerSamples = value(FT_SAMPLES_COUNTED)
        statistics.droppedMapFull = value(FT_SAMPLES_DROPPED_MAP_FULL)
        statistics.filtered = value(FT_SAMPLES_FILTERED)
        statistics.idle = value(FT_SAMPLES_IDLE)
        statistics.handedToDwarf = value(FT_SAMPLES_TO_DWARF)
        statistics.dwarfUnavailableSamples = value(FT_SAMPLES_DWARF_UNAVAILABLE)
    }
}
