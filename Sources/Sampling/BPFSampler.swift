import BPFObject
import CLibbpf
import CProfilerABI
import Foundation

/// The loaded sampler program: open → configure rodata → size maps → load →
/// attach, as four visible steps (libbpf-tools' profile.c pattern). Owned by one
/// thread: libbpf handles are not Sendable.
final class BPFSampler {
    struct Configuration {
        var targetTGID: UInt32
        var userStacks: Bool
        var kernelStacks: Bool
        var countsCapacity: Int
        var stackMapEntries: Int
    }

    /// The object bytes must outlive bpf_object__load: open_mem does not copy them,
    /// so they live in a buffer this class owns rather than a temporary array pointer.
    private let objectBytes: UnsafeMutableRawBufferPointer
    private let object: OpaquePointer
    private let program: OpaquePointer
    private var links: [OpaquePointer] = []
    let maps: SamplerMaps

    init(configuration: Configuration) throws(SamplingError) {
        LibbpfLog.install()
        LibbpfLog.clear()
        let embedded = BPFObject.profileObject()
        objectBytes = .allocate(byteCount: embedded.count, alignment: 8)
        objectBytes.copyBytes(from: embedded)

        // 1. open
        var options = bpf_object_open_opts()
        options.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened = bpf_object__open_mem(objectBytes.baseAddress, objectBytes.count, &options)
        guard let opened, libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            objectBytes.deallocate()
            throw .system("bpf_object__open_mem(profile.bpf.o)", errno: errno,
                          hint: LibbpfLog.recent().joined(separator: "\n"))
        }
        object = opened
        guard let program = bpf_object__find_program_by_name(object, "ft_sample") else {
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw SamplingError(.system, operation: "find BPF program ft_sample in the embedded object")
        }
        self.program = program

        // 2. configure read-only data: the only variable in .rodata is ft_cfg (offset 0).
        do {
            try Self.writeConfig(configuration, into: object)
            // 3. size maps from the session's settings
            for index in 0..<Int(FT_BUFFER_COUNT) {
                try Self.setMaxEntries(object, "ft_counts_\(index)", configuration.countsCapacity)
                try Self.setMaxEntries(object, "ft_stacks_\(index)", configuration.stackMapEntries)
            }
        } catch {
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw error
        }

        // 4. load (the verifier runs here)
        if bpf_object__load(object) != 0 {
            let code = errno
            let log = LibbpfLog.recent(12).joined(separator: "\n")
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw Self.loadError(errno: code, log: log)
        }
        do {
            maps = try SamplerMaps(object: object)
        } catch {
            bpf_object__close(opened)
            objectBytes.deallocate()
            throw error
        }
    }

    deinit {
        for link in links { bpf_link__destroy(link) }
        bpf_object__close(object)
        objectBytes.deallocate()
    }

    /// Attaches the program to every event. libbpf uses a BPF link where the
    /// kernel has perf links (5.15) and PERF_EVENT_IOC_SET_BPF before that.
    func attach(to events: PerfEventSet) throws(SamplingError) {
        for fd in events.descriptors {
            guard let link = bpf_program__attach_perf_event(program, fd),
                  libbpf_get_error(UnsafeRawPointer(link)) == 0 else {
                throw .system("attach BPF program to perf event", errno: errno)
            }
            links.append(link)
        }
    }

    var programFD: Int32 { bpf_program__fd(program) }

    private static func writeConfig(_ configuration: Configuration, into object: OpaquePointer) throws(SamplingError) {
        var rodata: OpaquePointer?
        var cursor: OpaquePointer? = nil
        while let map = bpf_object__next_map(object, cursor) {
            if String(cString: bpf_map__name(map)).hasSuffix(".rodata") { rodata = map }
            cursor = map
        }
        var size = 0
        guard let rodata, let initial = bpf_map__initial_value(rodata, &size),
              size >= MemoryLayout<ft_config>.size else {
            throw SamplingError(.system, operation: "find the .rodata section of the BPF object")
        }
        var flags: UInt32 = 0
        if configuration.userStacks { flags |= UInt32(FT_FLAG_USER_STACKS) }
        if configuration.kernelStacks { flags |= UInt32(FT_FLAG_KERNEL_STACKS) }
        var config = ft_config(target_tgid: configuration.targetTGID, flags: flags)
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

    private static func loadError(errno code: Int32, log: String) -> SamplingError {
        switch code {
        case EPERM, EACCES:
            return SamplingError(.insufficientPrivileges, operation: "load the BPF program", errno: code,
                                 hint: SamplingError.privilegeHint + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        case ENOSYS:
            return SamplingError(.bpfUnavailable, operation: "load the BPF program", errno: code,
                                 hint: "this kernel has no bpf() system call (CONFIG_BPF_SYSCALL=n), or a seccomp filter blocks it")
        default:
            return SamplingError(.bpfUnavailable, operation: "load the BPF program", errno: code,
                                 hint: "the kernel rejected the program (flametop needs Linux 5.2+ for BPF global data)"
                                     + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        }
    }
}
