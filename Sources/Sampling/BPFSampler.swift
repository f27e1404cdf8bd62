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

    private let bpf: EmbeddedBPFProgram
    let maps: SamplerMaps

    init(configuration: Configuration) throws(SamplingError) {
        bpf = try EmbeddedBPFProgram(BPFObject.profileObject(), name: "profile.bpf.o", programName: "ft_sample")
        var flags: UInt32 = 0
        if configuration.userStacks { flags |= UInt32(FT_FLAG_USER_STACKS) }
        if configuration.kernelStacks { flags |= UInt32(FT_FLAG_KERNEL_STACKS) }
        try bpf.writeReadOnlyData(ft_config(target_tgid: configuration.targetTGID, flags: flags))
        for index in 0..<Int(FT_BUFFER_COUNT) {
            try bpf.setMaxEntries("ft_counts_\(index)", configuration.countsCapacity)
            try bpf.setMaxEntries("ft_stacks_\(index)", configuration.stackMapEntries)
        }
        try bpf.load(failure: Self.loadError)
        maps = try SamplerMaps(object: bpf.object)
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
                                 hint: "the kernel rejected the program (flametop needs Linux 5.3+: BPF global data and bounded loops)"
                                     + (log.isEmpty ? "" : "\nlibbpf said:\n\(log)"))
        }
    }
}
