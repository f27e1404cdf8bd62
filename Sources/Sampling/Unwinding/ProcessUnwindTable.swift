import CLibbpf
import CProfilerABI
import FoundationEssentials

/// Where the session writes per-process unwinding decisions: the kernel's
/// ft_process_unwind map, which the BPF programs read for every sample, or an
/// in-memory table in tests.
protocol ProcessUnwindTable: AnyObject {
    /// Sets `pid`'s mode; false when the table is full (the process keeps the default).
    func set(_ mode: UnwindPolicy.ProcessMode, for pid: Int32) -> Bool
    func remove(pid: Int32)
}

/// The ft_process_unwind BPF hash map (pid -> struct ft_process_unwind).
final class KernelProcessUnwindTable: ProcessUnwindTable {
    private let fd: Int32

    init(fd: Int32) {
        self.fd = fd
    }

    func set(_ mode: UnwindPolicy.ProcessMode, for pid: Int32) -> Bool {
        var key = UInt32(bitPattern: pid)
        var value = ft_process_unwind()
        switch mode {
        case .framePointers:
            value.mode = UInt32(FT_UNWIND_MODE_FRAME_POINTERS)
        case .dwarf(let bytes):
            value.mode = UInt32(FT_UNWIND_MODE_DWARF)
            value.stack_bytes = UInt32(clamping: bytes)
        }
        return bpf_map_update_elem(fd, &key, &value, UInt64(BPF_ANY)) == 0
    }

    func remove(pid: Int32) {
        var key = UInt32(bitPattern: pid)
        _ = bpf_map_delete_elem(fd, &key)
    }
}
