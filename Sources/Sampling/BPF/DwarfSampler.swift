import BPFObject
import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

/// The loaded DWARF-mode program (bpf/unwind.bpf.c) and its ring buffer: open →
/// configure rodata → size maps → load, like `BPFSampler`; instead of attaching,
/// it goes into the frame-pointer program's tail-call slot. The ring is consumed
/// by `RingConsumer`'s thread, the counters read from the session's.
final class DwarfSampler {
    struct Configuration {
        var targetTGID: UInt32
        var userStacks: Bool
        var kernelStacks: Bool
        var stackBytes: Int
        var ringBytes: Int
        /// The frame-pointer object's ft_process_unwind map, shared with this object.
        var processTableFD: Int32
    }

    private let bpf: EmbeddedBPFProgram
    private var ring: OpaquePointer?
    private let countersFD: Int32

    init(configuration: Configuration) throws(SamplingError) {
        bpf = try EmbeddedBPFProgram(BPFObject.unwindObject(), name: "unwind.bpf.o", programName: "ft_sample_dwarf")
        let flags = EmbeddedBPFProgram.stackFlags(user: configuration.userStacks, kernel: configuration.kernelStacks)
        try bpf.writeReadOnlyData(ft_unwind_config(target_tgid: configuration.targetTGID, flags: flags,
                                                   stack_bytes: UInt32(clamping: configuration.stackBytes),
                                                   exclude_tgid: EmbeddedBPFProgram.excludedProcess(target: configuration.targetTGID)))
        try bpf.setMaxEntries("ft_unwind_ring", Self.ringSize(configuration.ringBytes))
        try bpf.setMaxEntries("ft_unwind_scratch", max(Int(libbpf_num_possible_cpus()), 1))
        try bpf.reuseMap("ft_process_unwind", fd: configuration.processTableFD)
        try bpf.load { code, log in
            SamplingError(code == EPERM || code == EACCES ? .insufficientPrivileges : .bpfUnavailable,
                          operation: "load the DWARF-mode BPF program", errno: code,
                          hint: "DWARF unwinding needs Linux 5.17 with BTF (ring buffer, bpf_task_pt_regs, bpf_loop)"
                              + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        }
        countersFD = bpf_map__fd(try bpf.map(named: "ft_unwind_counters"))
    }

    deinit {
        // The ring's consumer goes first; the object (and its links) close with `bpf`.
        if let ring { ring_buffer__free(ring) }
    }

    /// The program, for the frame-pointer program's tail-call slot.
    var programFD: Int32 { bpf.programFD }

    /// Opens the consumer side of the ring buffer; `handler` gets each record's
    /// bytes, valid only during the call. `context` must outlive this sampler.
    func openRing(context: UnsafeMutableRawPointer, handler: ring_buffer_sample_fn) throws(SamplingError) {
        let map = try bpf.map(named: "ft_unwind_ring")
        guard let opened = ring_buffer__new(bpf_map__fd(map), handler, context, nil),
              libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            throw .system("ring_buffer__new(ft_unwind_ring)", errno: errno)
        }
        ring = opened
    }

    /// Handles every record waiting in the ring buffer; returns how many.
    @discardableResult
    func consume() -> Int {
        guard let ring else { return 0 }
        return Int(max(ring_buffer__consume(ring), 0))
    }

    /// The per-CPU counters summed (`ft_unwind_counter` indexes).
    func readCounters() -> [UInt64] {
        let cpus = max(Int(libbpf_num_possible_cpus()), 1)
        let perCPU = Int(FT_UNWIND_COUNTER_COUNT.rawValue)
        var values = [UInt64](repeating: 0, count: cpus * perCPU)
        var totals = [UInt64](repeating: 0, count: perCPU)
        var key: UInt32 = 0
        guard bpf_map_lookup_elem(countersFD, &key, &values) == 0 else { return totals }
        for cpu in 0..<cpus {
            for index in 0..<perCPU { totals[index] &+= values[cpu * perCPU + index] }
        }
        return totals
    }

    /// The kernel wants a power-of-two multiple of the page size.
    static func ringSize(_ bytes: Int) -> Int {
        var size = 1 << 16
        while size < bytes && size < 1 << 30 { size <<= 1 }
        return size
    }
}
