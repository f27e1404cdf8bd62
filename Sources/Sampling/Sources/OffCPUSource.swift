import CProfilerABI
import FoundationEssentials
import Glibc
import Profile

/// Off-CPU time by stack (bpf/offcpu.bpf.c): the kernel adds each block of at
/// least the threshold, in nanoseconds, to a double-buffered hash per
/// (pid, tid, user stack, kernel stack); a drain flips the buffer, empties the
/// idle one and hands the profile microseconds, each stack rooted at its thread.
///
/// Blocks that began before the session come from the kernel under the
/// `[blocked since before the session]` marker, timed from the session's start.
/// Tasks still blocked when the session ends are read from the per-task entries
/// at `close()` (their kernel stacks by a task iterator, as they never woke) and
/// counted up to that instant by the final drain.
final class OffCPUSource: StackSource {
    let sampler: OffCPUSampler
    private let drainer: CountsDrainer
    private let assembler: StackAssembler
    /// nil: every process (system-wide).
    private let targetPID: Int32?
    private let thresholdNanoseconds: UInt64
    private var activeBuffer = 0
    private var counterBase = [UInt64](repeating: 0, count: Int(FT_OFFCPU_COUNTER_COUNT.rawValue))
    private var scratch = [UInt64](repeating: 0, count: Int(FT_MAX_STACK_DEPTH))
    /// What `close()` found still blocked, for the final drain.
    private var stillBlocked: [DrainedCount] = []
    private var stillBlockedStacks: [Int64: [UInt64]] = [:]
    /// Counted in user space at the end (the kernel's counters do not see them).
    private var endTotals = OffCPUStatistics()
    private var closed = false

    init(sampler: OffCPUSampler, symbolizer: AddressSymbolizer, rootByProcess: Bool, targetPID: Int32?,
         thresholdNanoseconds: UInt64, allowBatch: Bool) {
        self.sampler = sampler
        self.targetPID = targetPID
        self.thresholdNanoseconds = thresholdNanoseconds
        drainer = CountsDrainer(capacity: 4096, allowBatch: allowBatch)
        assembler = StackAssembler(symbolizer: symbolizer, rootByProcess: rootByProcess, keepsThreads: true)
    }

    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError) {
        let idle = activeBuffer
        activeBuffer = 1 - activeBuffer
        try sampler.maps.activate(buffer: activeBuffer)

        var drained = try drainer.drain(fd: sampler.maps.counts[idle])
        var stacks = stillBlockedStacks
        var read = Set<Int64>()
        for entry in drained {
            for hash in [entry.key.user_stack, entry.key.kern_stack] where hash >= 0 && read.insert(hash).inserted {
                if stacks[hash] == nil, let addresses = sampler.maps.stack(hash: hash, buffer: idle, into: &scratch) {
                    stacks[hash] = Array(addresses)
                }
            }
        }
        drained += stillBlocked
        stillBlocked.removeAll()
        stillBlockedStacks.removeAll()

        let droppedBefore = statistics.offCPU.countsMapFull
        apply(sampler.readCounters(), to: &statistics)
        if statistics.offCPU.countsMapFull > droppedBefore {
            sampler.maps.clearStacks(buffer: idle) // a dropped block's stacks are named by no count
        } else {
            for id in read { sampler.maps.deleteStack(hash: id, buffer: idle) }
        }

        // The assembler's own counters count in the counts' unit (nanoseconds here):
        // the kernel's counters say what was lost, in blocks.
        var assembled = DrainOutput()
        var ignored = SamplingStatistics()
        _ = assembler.assemble(drained, stacks: stacks, into: &assembled, statistics: &ignored)
        for (stack, nanoseconds) in assembled.counts.counts {
            output.counts.add(Self.withoutTracingFrames(stack), count: (nanoseconds + 500) / 1000)
        }
    }

    func reset() throws(SamplingError) {
        var discarded = DrainOutput()
        var ignored = SamplingStatistics()
        try drain(into: &discarded, statistics: &ignored, priority: .none)
        counterBase = sampler.readCounters()
        endTotals = OffCPUStatistics()
    }

    func forget(pid: Int32) {}

    /// Stops timing switches and takes the tasks still blocked: each is counted up
    /// to now, by the final drain (a block shorter than the threshold, in the totals).
    func close() {
        guard !closed else { return }
        closed = true
        sampler.detach()
        let end = OffCPUSampler.now()
        // The switch program reads a kernel stack at wake-up: for the tasks that
        // never woke, the iterator reads it now.
        let kernelStacksRead = sampler.readBlockedKernelStacks()
        for task in sampler.blockedTasks() where targetPID.map({ UInt32(bitPattern: $0) == task.pid }) ?? true {
            guard end > task.start_ns else { continue }
            let nanoseconds = end - task.start_ns
            endTotals.stillBlockedAtEnd += 1
            if nanoseconds < thresholdNanoseconds {
                endTotals.shortBlocks += 1
                endTotals.shortBlockedMicroseconds += nanoseconds / 1000
                continue
            }
            var key = ft_stack_key()
            key.pid = task.pid
            key.tid = task.tid
            key.comm = task.comm
            key.user_stack = stackField(bytes: task.user_bytes, ips: task.user_ips)
            key.kern_stack = kernelStacksRead ? stackField(bytes: task.kern_bytes, ips: task.kern_ips)
                : Int64(FT_STACK_NOT_CAPTURED)
            stillBlocked.append(DrainedCount(key: key, count: nanoseconds))
            endTotals.blocks += 1
            endTotals.blockedMicroseconds += nanoseconds / 1000
        }
    }

    /// A task entry's stack as a counts key names it: the content hash (the
    /// addresses kept for the final drain), or the capture's error.
    private func stackField<Addresses>(bytes: Int32, ips: Addresses) -> Int64 {
        if bytes > 0 {
            let addresses = withUnsafeBytes(of: ips) { raw in
                Array(raw.bindMemory(to: UInt64.self).prefix(Int(bytes) / MemoryLayout<UInt64>.size))
            }
            let hash = Self.hash(addresses)
            stillBlockedStacks[hash] = addresses
            return hash
        }
        if bytes == FT_STACK_NOT_CAPTURED { return Int64(FT_STACK_NOT_CAPTURED) }
        return bytes == 0 || bytes == -EFAULT ? -Int64(EFAULT) : Int64(bytes)
    }

    /// bpf/offcpu.bpf.c's hash_stack: the same stack gets the same key in both.
    static func hash(_ addresses: [UInt64]) -> Int64 {
        var hash: UInt64 = 0x9e37_79b9_7f4a_7c15 ^ UInt64(addresses.count)
        for address in addresses {
            hash = (hash ^ address) &* 0xff51_afd7_ed55_8ccd
            hash ^= hash >> 32
        }
        return Int64(bitPattern: hash & 0x7fff_ffff_ffff_ffff)
    }

    /// The leaf-most kernel frames of a stack captured inside the tracepoint are
    /// the BPF program and the tracepoint's own plumbing, not why the task
    /// blocked: drop them, so the leaf is the scheduler (`__schedule`, `schedule`).
    static func withoutTracingFrames(_ stack: Stack) -> Stack {
        var frames = stack.frames
        while let leaf = frames.last, leaf.kind == .kernel, isTracingFrame(leaf.function) {
            frames.removeLast()
        }
        return frames.count == stack.frames.count ? stack : Stack(frames)
    }

    static func isTracingFrame(_ function: String) -> Bool {
        tracingPrefixes.contains { function.hasPrefix($0) }
    }

    private static let tracingPrefixes = ["bpf_", "__bpf_", "__traceiter_", "__probestub_", "trace_call_bpf"]

    private func apply(_ totals: [UInt64], to statistics: inout SamplingStatistics) {
        func value(_ counter: ft_offcpu_counter) -> UInt64 {
            let index = Int(counter.rawValue)
            return totals[index] &- counterBase[index]
        }
        var offCPU = OffCPUStatistics()
        offCPU.switches = value(FT_OFFCPU_SWITCHES)
        offCPU.switchOuts = value(FT_OFFCPU_SWITCH_OUTS)
        offCPU.blocks = value(FT_OFFCPU_BLOCKS) + endTotals.blocks
        offCPU.blockedMicroseconds = value(FT_OFFCPU_BLOCK_NS) / 1000 + endTotals.blockedMicroseconds
        offCPU.shortBlocks = value(FT_OFFCPU_SHORT_BLOCKS) + endTotals.shortBlocks
        offCPU.shortBlockedMicroseconds = value(FT_OFFCPU_SHORT_NS) / 1000 + endTotals.shortBlockedMicroseconds
        offCPU.blockedBeforeStart = value(FT_OFFCPU_BEFORE_START)
        offCPU.stillBlockedAtEnd = endTotals.stillBlockedAtEnd
        offCPU.userStacksReused = value(FT_OFFCPU_USTACK_REUSED)
        offCPU.taskTableFull = value(FT_OFFCPU_TASKS_FULL)
        offCPU.switchOutMissed = value(FT_OFFCPU_SWITCH_OUT_MISSED)
        offCPU.countsMapFull = value(FT_OFFCPU_COUNTS_FULL)
        offCPU.lostMicroseconds = value(FT_OFFCPU_LOST_NS) / 1000
        offCPU.userStackMapFull = value(FT_OFFCPU_USTACK_MAP_FULL)
        offCPU.kernelStackMapFull = value(FT_OFFCPU_KSTACK_MAP_FULL)
        offCPU.userStackUnreadable = value(FT_OFFCPU_USTACK_EFAULT)
        offCPU.kernelStackUnreadable = value(FT_OFFCPU_KSTACK_EFAULT)
        offCPU.stackOtherErrors = value(FT_OFFCPU_USTACK_OTHER) + value(FT_OFFCPU_KSTACK_OTHER)
        statistics.offCPU = offCPU
    }
}
