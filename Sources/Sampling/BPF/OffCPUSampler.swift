import BPFObject
import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

/// The loaded off-CPU program (bpf/offcpu.bpf.c) on tp_btf/sched_switch: open →
/// configure .rodata → size maps → load → attach, like `BPFSampler`. Its counts
/// and stacks maps have the sampler's names and double buffer, so `SamplerMaps`
/// flips and reads them; its counters and per-task entries are its own. Owned by
/// the session's thread.
final class OffCPUSampler {
    struct Configuration {
        var targetTGID: UInt32
        var userStacks: Bool
        var kernelStacks: Bool
        var thresholdNanoseconds: UInt64
        var countsCapacity: Int
        var stackMapEntries: Int
        /// Threads with an entry at once (a target's threads; every thread, system-wide).
        var taskEntries: Int
    }

    private let bpf: EmbeddedBPFProgram
    let maps: SamplerMaps
    private let countersFD: Int32
    private let tasksFD: Int32
    private let clockFD: Int32

    init(configuration: Configuration) throws(SamplingError) {
        bpf = try EmbeddedBPFProgram(BPFObject.offCPUObject(), name: "offcpu.bpf.o", programName: "ft_switch")
        let flags = EmbeddedBPFProgram.stackFlags(user: configuration.userStacks, kernel: configuration.kernelStacks)
        try bpf.writeReadOnlyData(ft_offcpu_config(target_tgid: configuration.targetTGID, flags: flags,
                                                   min_block_ns: configuration.thresholdNanoseconds,
                                                   exclude_tgid: EmbeddedBPFProgram.excludedProcess(target: configuration.targetTGID),
                                                   reserved: 0))
        for index in 0..<Int(FT_BUFFER_COUNT) {
            try bpf.setMaxEntries("ft_counts_\(index)", configuration.countsCapacity)
            try bpf.setMaxEntries("ft_stacks_\(index)", configuration.stackMapEntries)
        }
        try bpf.setMaxEntries("ft_offcpu_tasks", configuration.taskEntries)
        try bpf.load { code, log in
            SamplingError(code == EPERM || code == EACCES ? .insufficientPrivileges : .bpfUnavailable,
                          operation: "load the off-CPU BPF program", errno: code,
                          hint: "off-CPU profiles need Linux 5.18 with BTF (/sys/kernel/btf/vmlinux) for tp_btf/sched_switch"
                              + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        }
        let loaded = bpf
        func fd(_ name: String) throws(SamplingError) -> Int32 { try loaded.mapFD(name) }
        var counts: [Int32] = []
        var stacks: [Int32] = []
        for index in 0..<Int(FT_BUFFER_COUNT) {
            counts.append(try fd("ft_counts_\(index)"))
            stacks.append(try fd("ft_stacks_\(index)"))
        }
        countersFD = try fd("ft_offcpu_counters")
        tasksFD = try fd("ft_offcpu_tasks")
        clockFD = try fd("ft_offcpu_clock")
        maps = SamplerMaps(counts: counts, stacks: stacks, bss: try Self.bssFD(loaded.object), counters: countersFD)
    }

    /// Attaches the program and writes the session's start: from now on, a task
    /// that runs again without a switch-out seen was blocked since this instant.
    func attach() throws(SamplingError) {
        try bpf.attachTracing()
        var key: UInt32 = 0
        var start = Self.now()
        if bpf_map_update_elem(clockFD, &key, &start, UInt64(BPF_ANY)) != 0 {
            throw .system("bpf_map_update_elem(ft_offcpu_clock)", errno: errno)
        }
    }

    /// Stops the program: no more switches are timed.
    func detach() { bpf.detach() }

    /// Runs the task iterator (ft_blocked_stacks) once: every task still blocked
    /// gets its kernel stack read into its entry. False when the kernel could not
    /// run it (then the entries' kernel stacks are not the current ones).
    func readBlockedKernelStacks() -> Bool {
        guard let program = bpf_object__find_program_by_name(bpf.object, "ft_blocked_stacks"),
              let link = bpf_program__attach_iter(program, nil),
              libbpf_get_error(UnsafeRawPointer(link)) == 0 else { return false }
        defer { bpf_link__destroy(link) }
        let fd = bpf_iter_create(bpf_link__fd(link))
        guard fd >= 0 else { return false }
        defer { close(fd) }
        // The program writes nothing to the file: reading to its end runs it over every task.
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count == 0 { return true }
            if count < 0 && errno != EINTR { return false }
        }
    }

    /// bpf_ktime_get_ns()'s clock.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The per-CPU counters summed (`ft_offcpu_counter` indexes).
    func readCounters() -> [UInt64] {
        let cpus = max(Int(libbpf_num_possible_cpus()), 1)
        let perCPU = Int(FT_OFFCPU_COUNTER_COUNT.rawValue)
        var values = [UInt64](repeating: 0, count: cpus * perCPU)
        var totals = [UInt64](repeating: 0, count: perCPU)
        var key: UInt32 = 0
        guard bpf_map_lookup_elem(countersFD, &key, &values) == 0 else { return totals }
        for cpu in 0..<cpus {
            for index in 0..<perCPU { totals[index] &+= values[cpu * perCPU + index] }
        }
        return totals
    }

    /// The tasks off a CPU now (an entry with a start time), for the session's end.
    func blockedTasks() -> [ft_offcpu_task] {
        var tids: [UInt32] = []
        var key: UInt32 = 0
        var next: UInt32 = 0
        var hasKey = false
        while withUnsafeMutablePointer(to: &key, { pointer in
            bpf_map_get_next_key(tasksFD, hasKey ? UnsafeRawPointer(pointer) : nil, &next)
        }) == 0 {
            tids.append(next)
            key = next
            hasKey = true
        }
        var blocked: [ft_offcpu_task] = []
        for var tid in tids {
            var task = ft_offcpu_task()
            if bpf_map_lookup_elem(tasksFD, &tid, &task) == 0, task.start_ns != 0 { blocked.append(task) }
        }
        return blocked
    }

    private static func bssFD(_ object: OpaquePointer) throws(SamplingError) -> Int32 {
        var cursor: OpaquePointer? = nil
        while let map = bpf_object__next_map(object, cursor) {
            if String(cString: bpf_map__name(map)).hasSuffix(".bss"),
               bpf_map__value_size(map) == UInt32(MemoryLayout<UInt32>.size) {
                return bpf_map__fd(map)
            }
            cursor = map
        }
        throw SamplingError(.system, operation: "find the .bss section (ft_active_buffer) of the off-CPU BPF object")
    }
}

extension SamplerMaps {
    /// Maps of another object laid out like the sampler's (counts, stacks, .bss).
    init(counts: [Int32], stacks: [Int32], bss: Int32, counters: Int32) {
        self.counts = counts
        self.stacks = stacks
        self.bss = bss
        self.counters = counters
        data = nil
    }
}
