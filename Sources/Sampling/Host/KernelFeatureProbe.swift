import CLibbpf
import FoundationEssentials
import Glibc

/// Run-time probes for kernel features newer than flametop's 5.17 floor.
enum KernelFeatureProbe {
    /// Whether BPF_MAP_LOOKUP_AND_DELETE_BATCH works on hash maps (Linux 5.6):
    /// on an empty map it answers ENOENT; an older kernel answers EINVAL.
    static func batchMapOps() -> Result<Bool, SamplingError> {
        let fd = bpf_map_create(BPF_MAP_TYPE_HASH, "ft_probe", 4, 8, 1, nil)
        guard fd >= 0 else { return .failure(.system("bpf_map_create(probe)", errno: errno)) }
        defer { close(fd) }
        var keys = [UInt32](repeating: 0, count: 1)
        var values = [UInt64](repeating: 0, count: 1)
        var outBatch: UInt32 = 0
        var count: UInt32 = 1
        var options = bpf_map_batch_opts()
        options.sz = MemoryLayout<bpf_map_batch_opts>.size
        let result = bpf_map_lookup_and_delete_batch(fd, nil, &outBatch, &keys, &values, &count, &options)
        let code = result == 0 ? 0 : errno
        return .success(code == 0 || code == ENOENT)
    }

    static func batchItem() -> SystemCheck.Item {
        switch batchMapOps() {
        case .success(true):
            return .init(name: "batch map ops", status: .ok, detail: "supported (Linux 5.6+)", fix: "")
        case .success(false):
            return .init(name: "batch map ops", status: .warning, detail: "not supported",
                         fix: "flametop drains with a slower key loop; Linux 5.6+ is faster")
        case .failure(let error):
            return .init(name: "batch map ops", status: .warning, detail: "could not probe: \(error.description)", fix: "")
        }
    }

    static func pidfdItem() -> SystemCheck.Item {
        let fd = ft_pidfd_open(getpid())
        if fd >= 0 {
            close(fd)
            return .init(name: "pidfd", status: .ok, detail: "pidfd_open works (Linux 5.3+)", fix: "")
        }
        return .init(name: "pidfd", status: .warning, detail: "pidfd_open unavailable (errno \(errno))",
                     fix: "flametop notices a target's exit by polling /proc instead")
    }
}
