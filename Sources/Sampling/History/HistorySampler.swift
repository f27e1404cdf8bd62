import CLibbpf
import CProfilerABI
import FoundationEssentials

/// The rewind history's kernel side: the frame-pointer sampler (bpf/profile.bpf.c) on a
/// cpu-clock event per CPU at the history's rate, counting every process in the kernel,
/// and a drain that hands back raw counts, unsymbolized. Owned by the recorder's thread
/// (libbpf handles are not Sendable).
final class HistorySampler {
    private let events = PerfEventSet()
    private let sampler: BPFSampler
    private let drainer: CountsDrainer
    private var activeBuffer = 0
    private var scratch = [UInt64](repeating: 0, count: Int(FT_MAX_STACK_DEPTH))
    /// Entries of each counts map and each stacks map.
    let countsEntries: Int
    let stackEntries: Int

    /// Entries for a drain at `hz` on `cpus` CPUs every `drainSeconds`: every sample can be
    /// a new (thread, stacks) key with two new stacks; twice that for a late drain.
    static func entries(hz: Int, cpus: Int, drainSeconds: Double) -> (counts: Int, stacks: Int) {
        let samples = Int((Double(hz * max(cpus, 1)) * drainSeconds * 2).rounded(.up))
        return (max(64, samples), max(64, 2 * samples))
    }

    init(hz: Int, drainSeconds: Double) throws(SamplingError) {
        try Capabilities.current().requireProfiling()
        let entries = Self.entries(hz: hz, cpus: OnlineCPUs.list().count, drainSeconds: drainSeconds)
        countsEntries = entries.counts
        stackEntries = entries.stacks
        sampler = try BPFSampler(configuration: .init(
            targetTGID: 0, userStacks: true, kernelStacks: true,
            countsCapacity: entries.counts, stackMapEntries: entries.stacks, defaultMode: .framePointers))
        drainer = CountsDrainer(capacity: entries.counts, allowBatch: true)
        try events.openPerCPU(frequency: hz)
        try sampler.attach(to: events)
        try events.enableAll()
    }

    /// Bytes the kernel preallocates for the program's maps (hash maps preallocate every
    /// entry: key and value rounded to 8 bytes and a 48-byte element header, per the
    /// kernel's htab_elem): the two counts and stacks maps sized for the rate, the
    /// per-process unwind table the program shares with the DWARF program (unused here,
    /// but sized for sessions: FT_PROCESS_UNWIND_ENTRIES) and the per-CPU scratch stack.
    var kernelMapBytes: Int {
        let count = MemoryLayout<ft_stack_key>.size + 8 + 48
        let stack = 8 + MemoryLayout<ft_stack>.size + 48
        let process = 8 + 8 + 48
        return Int(FT_BUFFER_COUNT) * (countsEntries * count + stackEntries * stack)
            + Int(FT_PROCESS_UNWIND_ENTRIES) * process + OnlineCPUs.list().count * MemoryLayout<ft_stack>.size
    }

    /// The program's kernel counters, summed over CPUs.
    func counters() -> [UInt64] { sampler.maps.readCounters() }

    /// Nanoseconds the program has run and how often, when the kernel keeps BPF run
    /// statistics (sysctl kernel.bpf_stats_enabled=1); nil otherwise.
    func programRunTime() -> (nanoseconds: UInt64, runs: UInt64)? {
        var info = bpf_prog_info()
        var length = UInt32(MemoryLayout<bpf_prog_info>.size)
        guard bpf_obj_get_info_by_fd(sampler.programFD, &info, &length) == 0, info.run_cnt > 0 else { return nil }
        return (info.run_time_ns, info.run_cnt)
    }

    /// Flips the buffer and empties the idle one: its counts with the stacks they name.
    func drain() throws(SamplingError) -> [RawSample] {
        let idle = activeBuffer
        activeBuffer = 1 - activeBuffer
        try sampler.maps.activate(buffer: activeBuffer)
        let droppedBefore = counters()[Int(FT_SAMPLES_DROPPED_MAP_FULL.rawValue)]
        let drained = try drainer.drain(fd: sampler.maps.counts[idle])
        var stacks: [Int64: [UInt64]] = [:]
        for entry in drained {
            for hash in [entry.key.user_stack, entry.key.kern_stack] where hash >= 0 && stacks[hash] == nil {
                if let addresses = sampler.maps.stack(hash: hash, buffer: idle, into: &scratch) {
                    stacks[hash] = Array(addresses)
                }
            }
        }
        if counters()[Int(FT_SAMPLES_DROPPED_MAP_FULL.rawValue)] > droppedBefore {
            // A dropped sample's stacks are referenced by no count: sweep them.
            sampler.maps.clearStacks(buffer: idle)
        } else {
            for hash in stacks.keys { sampler.maps.deleteStack(hash: hash, buffer: idle) }
        }
        func stack(_ hash: Int64) -> RawSample.Stack {
            guard hash >= 0 else { return .missing(code: Int32(clamping: hash)) }
            return stacks[hash].map { .addresses($0) } ?? .missing(code: RawSample.goneAtDrain)
        }
        return drained.map { entry in
            RawSample(pid: Int32(bitPattern: entry.key.pid), tid: Int32(bitPattern: entry.key.tid),
                      comm: SampleFields.comm(entry.key.comm), user: stack(entry.key.user_stack),
                      kernel: stack(entry.key.kern_stack), count: entry.count)
        }
    }

    func close() {
        events.disableAll()
        events.closeAll()
    }
}
