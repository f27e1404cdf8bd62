import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

/// One BPF object embedded in the binary, with its one perf_event program: open →
/// configure .rodata → size maps → load → attach (libbpf-tools' profile.c steps),
/// shared by the frame-pointer and the DWARF sampler. Owned by one thread:
/// libbpf handles are not Sendable. Closing (links, object, bytes) happens in deinit
/// whatever step failed.
final class EmbeddedBPFProgram {
    let name: String
    /// The object bytes must outlive bpf_object__load: open_mem does not copy them,
    /// so they live in a buffer this class owns rather than a temporary array pointer.
    private let bytes: UnsafeMutableRawBufferPointer
    let object: OpaquePointer
    let program: OpaquePointer
    private var links: [OpaquePointer] = []

    /// The config flags every program reads: which stacks to capture.
    static func stackFlags(user: Bool, kernel: Bool) -> UInt32 {
        (user ? UInt32(FT_FLAG_USER_STACKS) : 0) | (kernel ? UInt32(FT_FLAG_KERNEL_STACKS) : 0)
    }

    /// The process a program leaves out (`exclude_tgid`): flametop itself when it samples
    /// every process, since unwinding and naming its own samples makes more of them (its
    /// DWARF unwinder unwinding itself); its cost is reported as its own CPU instead.
    /// Nothing when a target is given, so flametop can still profile itself by PID.
    static func excludedProcess(target: UInt32) -> UInt32 {
        target == 0 ? UInt32(bitPattern: getpid()) : 0
    }

    /// 1. open `embedded` (an ELF object) and find `programName` in it.

    init(_ embedded: some Collection<UInt8>, name: String, programName: String) throws(SamplingError) {
        LibbpfLog.install()
        LibbpfLog.clear()
        self.name = name
        bytes = .allocate(byteCount: embedded.count, alignment: 8)
        bytes.copyBytes(from: embedded)
        var options = bpf_object_open_opts()
        options.sz = MemoryLayout<bpf_object_open_opts>.size
        let opened = bpf_object__open_mem(bytes.baseAddress, bytes.count, &options)
        guard let opened, libbpf_get_error(UnsafeRawPointer(opened)) == 0 else {
            let code = errno
            bytes.deallocate()
            throw .system("bpf_object__open_mem(\(name))", errno: code, hint: LibbpfLog.recent().joined(separator: "\n"))
        }
        guard let program = bpf_object__find_program_by_name(opened, programName) else {
            bpf_object__close(opened)
            bytes.deallocate()
            throw SamplingError(.system, operation: "find BPF program \(programName) in \(name)")
        }
        object = opened
        self.program = program
    }

    deinit {
        for link in links { bpf_link__destroy(link) }
        bpf_object__close(object)
        bytes.deallocate()
    }

    /// 2. Writes `value` at offset 0 of .rodata (the loaders keep one variable there;
    /// ABILayoutTests check it) before the object is loaded.
    func writeReadOnlyData<Value>(_ value: Value) throws(SamplingError) {
        var rodata: OpaquePointer?
        var cursor: OpaquePointer? = nil
        while let map = bpf_object__next_map(object, cursor) {
            if String(cString: bpf_map__name(map)).hasSuffix(".rodata") { rodata = map }
            cursor = map
        }
        var size = 0
        guard let rodata, let initial = bpf_map__initial_value(rodata, &size),
              size >= MemoryLayout<Value>.size else {
            throw SamplingError(.system, operation: "find the .rodata section of \(name)")
        }
        var copy = value
        var section = [UInt8](UnsafeRawBufferPointer(start: initial, count: size))
        withUnsafeBytes(of: &copy) { source in section.replaceSubrange(0..<source.count, with: source) }
        let result = bpf_map__set_initial_value(rodata, section, section.count)
        if result != 0 { throw .system("bpf_map__set_initial_value(.rodata)", errno: -result) }
    }

    /// 3. Sizes a map from the session's settings.
    func setMaxEntries(_ mapName: String, _ entries: Int) throws(SamplingError) {
        let map = try map(named: mapName)
        let result = bpf_map__set_max_entries(map, UInt32(clamping: entries))
        if result != 0 { throw .system("bpf_map__set_max_entries(\(mapName), \(entries))", errno: -result) }
    }

    /// 4. Loads the object (the verifier runs here); `failure` turns errno and
    /// libbpf's last lines into the error the user sees.
    func load(failure: (_ errno: Int32, _ log: String) -> SamplingError) throws(SamplingError) {
        if bpf_object__load(object) != 0 {
            let code = errno
            throw failure(code, LibbpfLog.recent(12).joined(separator: "\n"))
        }
    }

    /// Before load: use an existing map (of another object) for `mapName`, so two
    /// objects share one table.
    func reuseMap(_ mapName: String, fd: Int32) throws(SamplingError) {
        let result = bpf_map__reuse_fd(try map(named: mapName), fd)
        if result != 0 { throw .system("bpf_map__reuse_fd(\(mapName))", errno: -result) }
    }

    /// After load: a map's descriptor.
    func mapFD(_ mapName: String) throws(SamplingError) -> Int32 {
        bpf_map__fd(try map(named: mapName))
    }

    /// After load: the program's descriptor (for a prog array slot).
    var programFD: Int32 { bpf_program__fd(program) }

    func map(named mapName: String) throws(SamplingError) -> OpaquePointer {
        guard let map = bpf_object__find_map_by_name(object, mapName) else {
            throw SamplingError(.system, operation: "find BPF map \(mapName) in \(name)")
        }
        return map
    }

    /// 5. Attaches a tracing program (tp_btf) where its section says.
    func attachTracing() throws(SamplingError) {
        guard let link = bpf_program__attach(program), libbpf_get_error(UnsafeRawPointer(link)) == 0 else {
            throw .system("attach BPF program \(name)", errno: errno)
        }
        links.append(link)
    }

    /// Detaches every link: the program runs no more (its maps stay readable).
    func detach() {
        for link in links { bpf_link__destroy(link) }
        links.removeAll()
    }

    /// 5. Attaches the program to every event. libbpf uses a BPF link where the
    /// kernel has perf links (5.15) and PERF_EVENT_IOC_SET_BPF before that.
    /// Each link gets a duplicate of the event's descriptor: destroying a link
    /// closes the descriptor it holds (and disables the event), and the events
    /// outlive this program when `auto` moves them to the DWARF program.
    func attach(to events: PerfEventSet) throws(SamplingError) {
        for fd in events.descriptors {
            let duplicate = dup(fd)
            if duplicate < 0 { throw .system("dup(perf event)", errno: errno) }
            guard let link = bpf_program__attach_perf_event(program, duplicate),
                  libbpf_get_error(UnsafeRawPointer(link)) == 0 else {
                let code = errno
                close(duplicate)
                throw .system("attach BPF program to perf event", errno: code)
            }
            links.append(link)
        }
    }
}
