import CProfilerABI
import FoundationEssentials
import PlatformSupport
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
         marksIncompleteStacks: Bool, allowBatch: Bool, keepsThreads: Bool = false) {
        self.sampler = sampler
        drainer = CountsDrainer(capacity: 4096, allowBatch: allowBatch)
        assembler = StackAssembler(symbolizer: symbolizer, rootByProcess: rootByProcess,
                                   marksIncompleteStacks: marksIncompleteStacks, keepsThreads: keepsThreads)
    }

    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError) {
        let started = ContinuousClock.now
        let idle = activeBuffer
        activeBuffer = 1 - activeBuffer
        try sampler.maps.activate(buffer: activeBuffer)

        // Everything leaves the kernel now: counts, and the stacks they name.
        let drained = try drainer.drain(fd: sampler.maps.counts[idle])
        var read = Set<Int64>()
        for entry in drained {
            for hash in [entry.key.user_stack, entry.key.kern_stack] where hash >= 0 && read.insert(hash).inserted {
                if stacks[hash] == nil, let addresses = sampler.maps.stack(hash: hash, buffer: idle, into: &scratch) {
                    stacks[hash] = Array(addresses)
                }
            }
        }
        backlog.append(contentsOf: drained.map { Pending(count: $0, observed: false) })
        let droppedBefore = statistics.droppedMapFull
        apply(sampler.maps.readCounters(), to: &statistics)
        if statistics.droppedMapFull > droppedBefore {
            // A dropped sample's stacks are referenced by no count: sweep them.
            sampler.maps.clearStacks(buffer: idle)
        } else {
            for id in read { sampler.maps.deleteStack(hash: id, buffer: idle) }
        }

        // Processes waiting for a decision: their outermost frames first, the
        // decision, then the backlog symbolized in full while the slice lasts.
        let deadline = priority.symbolizeFor.map { started + $0 }
        let waiting = backlog.filter { !$0.observed && priority.first(Int32(bitPattern: $0.count.key.pid)) }.map(\.count)
        if !waiting.isEmpty {
            let observed = assembler.observe(waiting, stacks: stacks, into: &output, until: deadline)
            for index in backlog.indices where observed.contains(Int32(bitPattern: backlog[index].count.key.pid)) {
                backlog[index].observed = true
            }
            priority.afterFirst(&output)
        }
        // While a process waits for its decision, stacks with kernel frames wait for the
        // kernel's symbols (read in the background at the start, ~100 ms on a busy host)
        // in the backlog: the drain does not, so the next one comes on time.
        let holdsKernelStacks = deadline != nil && !waiting.isEmpty && assembler.kernelSymbolsLoading
        var done = 0
        while done < backlog.count {
            // One entry at a time: each may be the first to meet a large binary.
            let pending = backlog[done]
            if holdsKernelStacks && pending.count.key.kern_stack >= 0 { break }
            _ = assembler.assemble(CollectionOfOne(pending.count), stacks: stacks, into: &output,
                                   statistics: &statistics, observed: { _ in pending.observed })
            done += 1
            if let deadline, ContinuousClock.now >= deadline { break }
        }
        backlog.removeFirst(done)
        if backlog.isEmpty {
            stacks.removeAll(keepingCapacity: true)
        } else if done > 0 {
            var referenced = Set<Int64>()
            for pending in backlog {
                referenced.insert(pending.count.key.user_stack)
                referenced.insert(pending.count.key.kern_stack)
            }
            stacks = stacks.filter { referenced.contains($0.key) }
        }
        statistics.symbolizationBacklog = backlog.reduce(0) { $0 + $1.count.count }
    }

    /// Counts whose stacks are copied out of the kernel but not yet symbolized:
    /// a drain on a busy host symbolizes for a bounded time and leaves the rest
    /// for the next, so it never holds up sampling or decisions.
    private var backlog: [Pending] = []

    private struct Pending {
        var count: DrainedCount
        /// Already seen by the unwinding policy (`observe`): not counted again.
        var observed: Bool
    }
    /// The addresses of the stacks the backlog names, by hash (stacks are stored
    /// by content in the kernel, so a hash names the same stack in every drain).
    private var stacks: [Int64: [UInt64]] = [:]
    private var scratch = [UInt64](repeating: 0, count: Int(FT_MAX_STACK_DEPTH))

    func reset() throws(SamplingError) {
        var discarded = DrainOutput()
        var ignored = SamplingStatistics()
        try drain(into: &discarded, statistics: &ignored, priority: .none)
        backlog.removeAll()
        stacks.removeAll()
        counterBase = sampler.maps.readCounters()
    }

    func forget(pid: Int32) {}

    func close() {}

    /// Samples the program has seen (for the time to the first sample).
    /// The wall-clock time of the target's first sample, from the program's CLOCK_MONOTONIC stamp.
    func firstSampleDate() -> Date? {
        guard let first = sampler.maps.firstSampleMonotonicNanoseconds() else { return nil }
        return Date().addingTimeInterval(-Double(MonotonicClock.nanoseconds() &- first) / 1e9)
    }

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
