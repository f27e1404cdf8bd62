import BPFObject
import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

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
        /// The mode of a process the per-process table does not name.
        var defaultMode: UnwindPolicy.ProcessMode
    }

    private let bpf: EmbeddedBPFProgram
    let maps: SamplerMaps

    init(configuration: Configuration) throws(SamplingError) {
        bpf = try EmbeddedBPFProgram(BPFObject.profileObject(), name: "profile.bpf.o", programName: "ft_sample")
        var flags = EmbeddedBPFProgram.stackFlags(user: configuration.userStacks, kernel: configuration.kernelStacks)
        // Per-process modes cost one hash lookup per sample; without user stacks there is nothing to decide.
        if configuration.userStacks { flags |= UInt32(FT_FLAG_PER_PROCESS_UNWIND) }
        let defaultMode = configuration.defaultMode == .framePointers ? FT_UNWIND_MODE_FRAME_POINTERS : FT_UNWIND_MODE_DWARF
        try bpf.writeReadOnlyData(ft_config(target_tgid: configuration.targetTGID, flags: flags,
                                            default_mode: UInt32(defaultMode),
                                            exclude_tgid: EmbeddedBPFProgram.excludedProcess(target: configuration.targetTGID)))
        for index in 0..<Int(FT_BUFFER_COUNT) {
            try bpf.setMaxEntries("ft_counts_\(index)", configuration.countsCapacity)
            try bpf.setMaxEntries("ft_stacks_\(index)", configuration.stackMapEntries)
        }
        try bpf.load(failure: Self.loadError)
        maps = try SamplerMaps(object: bpf.object)
        processTableFD = try bpf.mapFD("ft_process_unwind")
        dwarfSlotFD = try bpf.mapFD("ft_dwarf_program")
    }

    /// The ft_process_unwind map both programs read.
    let processTableFD: Int32
    private let dwarfSlotFD: Int32

    /// Puts the DWARF program in the tail-call slot: from now on, samples of
    /// DWARF-mode processes go to it.
    func installDwarfProgram(fd programFD: Int32) throws(SamplingError) {
        var key: UInt32 = 0
        var value = UInt32(bitPattern: programFD)
        if bpf_map_update_elem(dwarfSlotFD, &key, &value, UInt64(BPF_ANY)) != 0 {
            throw .system("bpf_map_update_elem(ft_dwarf_program)", errno: errno)
        }
    }

    func attach(to events: PerfEventSet) throws(SamplingError) {
        try bpf.attach(to: events)
    }

    var programFD: Int32 { bpf_program__fd(bpf.program) }

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
                                 hint: "the kernel rejected the program (flametop needs Linux 5.17+: BPF global data, global functions, bpf_loop)"
                                     + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        }
    }
}
