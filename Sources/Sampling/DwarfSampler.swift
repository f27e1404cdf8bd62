import BPFObject
import CLibbpf
import CProfilerABI
import Foundation

/// The loaded DWARF-mode program (bpf/unwind.bpf.c) and its ring buffer: open →
/// configure rodata → size maps → load → attach, like `BPFSampler`. Owned by one thread.
final class DwarfSampler {
    struct Configuration {
        var targetTGID: UInt32
        var userStacks: Bool
        var kernelStacks: Bool
        var stackBytes: Int
        var ringBytes: Int
    }

    private let objectBytes: UnsafeMutableRawBufferPointer
    private let object: OpaquePointer
    private let program: OpaquePointer
    private var links: [OpaquePointer] = []
    private var ring: OpaquePointer?
    private let countersFD: Int32

    init(configuration: Configuration) throws(SamplingError) {
        LibbpfLog.install()
        LibbpfLog.clear()
        guard let data = Data(base64Encoded: UnwindBPFProgram.objectBase64) else {
            throw SamplingError(.system, operation: "decode the embedded unwind BPF object")
        }
        objectBytes = .allocate(byteCount: data.count, alignment: 8)
        objectBytes.copyBytes(from: data)
        var options = bpf_object_open_opts()
        options.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened = bpf_object__open_mem(objectBytes.baseAddress, objectBytes.count, &options)
        guard let opened, libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            objectBytes.deallocate()
            throw .system("bpf_object__open_mem(unwind.bpf.o)", errno: errno,
                          hint: LibbpfLog.recent().joined(separator: "\n"))
        }
        object = opened
        guard let program = bpf_object__find_program_by_name(object, "ft_sample_dwarf") else {
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw SamplingError(.system, operation: "find BPF program ft_sample_dwarf in the embedded object")
        }
        self.program = program
        do {
            try Self.writeConfig(configuration, into: object)
            try Self.setMaxEntries(object, "ft_unwind_ring", Self.ringSize(configuration.ringBytes))
            try Self.setMaxEntries(object, "ft_unwind_scratch", max(Int(libbpf_num_possible_cpus()), 1))
        } catch {
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw error
        }
        if bpf_object__load(object) != 0 {
            let code = errno
            let log = LibbpfLog.recent(12).joined(separator: "\n")
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw SamplingError(code == EPERM || code == EACCES ? .insufficientPrivileges : .bpfUnavailable,
                                operation: "load the DWARF-mode BPF program", errno: code,
                                hint: "--unwind dwarf needs Linux 5.15 with BTF (ring buffer, bpf_task_pt_regs); try --unwind fp"
                                    + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        }
        guard let counters = bpf_object__find_map_by_name(object, "ft_unwind_counters") else {
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw SamplingError(.system, operation: "find BPF map ft_unwind_counters")
        }
        countersFD = bpf_map__fd(counters)
    }

    deinit {
        if let ring { ring_buffer__free(ring) }
        for link in links { bpf_link__destroy(link) }
        bpf_object__close(object)
        objectBytes.deallocate()
    }

    func attach(to events: PerfEventSet) throws(SamplingError) {
        for fd in events.descriptors {
            guard let link = bpf_program__attach_perf_event(program, fd),
                  libbpf_get_error(UnsafeRawPointer(link)) == 0 else {
                throw .system("attach BPF program to perf event", errno: errno)
            }
            links.append(link)
        }
    }

    /// Opens the consumer side of the ring buffer; `handler` gets each record's
    /// bytes, valid only during the call. `context` must outlive this sampler.
    func openRing(context: UnsafeMutableRawPointer, handler: ring_buffer_sample_fn) throws(SamplingError) {
        guard let map = bpf_object__find_map_by_name(object, "ft_unwind_ring") else {
            throw SamplingError(.system, operation: "find BPF map ft_unwind_ring")
        }
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

    private static func writeConfig(_ configuration: Configuration, into object: OpaquePointer) throws(SamplingError) {
        var rodata: OpaquePointer?
        var cursor: OpaquePointer? = nil
        while let map = bpf_object__next_map(object, cursor) {
            if String(cString: bpf_map__name(map)).hasSuffix(".rodata") { rodata = map }
            cursor = map
        }
        var size = 0
        guard let rodata, let initial = bpf_map__initial_value(rodata, &size),
              size >= MemoryLayout<ft_unwind_config>.size else {
            throw SamplingError(.system, operation: "find the .rodata section of the unwind BPF object")
        }
        var flags: UInt32 = 0
        if configuration.userStacks { flags |= UInt32(FT_FLAG_USER_STACKS) }
        if configuration.kernelStacks { flags |= UInt32(FT_FLAG_KERNEL_STACKS) }
        var config = ft_unwind_config(target_tgid: configuration.targetTGID, flags: flags,
                                      stack_bytes: UInt32(clamping: configuration.stackBytes), reserved: 0)
        var bytes = [UInt8](UnsafeRawBufferPointer(start: initial, count: size))
        withUnsafeBytes(of: &config) { source in
            bytes.replaceSubrange(0..<source.count, with: source)
        }
        let result = bpf_map__set_initial_value(rodata, bytes, bytes.count)
        if result != 0 { throw .system("bpf_map__set_initial_value(.rodata)", errno: -result) }
    }

    private static func setMaxEntries(_ object: OpaquePointer, _ name: String, _ entries: Int) throws(SamplingError) {
        guard let map = bpf_object__find_map_by_name(object, name) else {
            throw SamplingError(.system, operation: "find BPF map \(name)")
        }
        let result = bpf_map__set_max_entries(map, UInt32(clamping: entries))
        if result != 0 { throw .system("bpf_map__set_max_entries(\(name), \(entries))", errno: -result) }
    }
}
