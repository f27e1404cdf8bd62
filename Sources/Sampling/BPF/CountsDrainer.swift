import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

/// One drained aggregation bucket.
struct DrainedCount {
    var key: ft_stack_key
    var count: UInt64
}

/// Empties an (idle) counts map. Uses BPF_MAP_LOOKUP_AND_DELETE_BATCH (Linux 5.6),
/// about 4× faster than a key loop at 10k keys, and falls back to
/// get_next_key + lookup + delete where the kernel lacks it.
final class CountsDrainer {
    private(set) var usesBatch: Bool
    private var keys: [ft_stack_key]
    private var values: [UInt64]

    init(capacity: Int, allowBatch: Bool) {
        usesBatch = allowBatch
        keys = [ft_stack_key](repeating: ft_stack_key(), count: max(capacity, 64))
        values = [UInt64](repeating: 0, count: max(capacity, 64))
    }

    func drain(fd: Int32) throws(SamplingError) -> [DrainedCount] {
        if usesBatch {
            do {
                return try drainBatch(fd: fd)
            } catch where Self.meansUnsupported(error.errno) {
                usesBatch = false
            }
        }
        return try drainKeyLoop(fd: fd)
    }

    /// errnos by which a kernel says it has no batch operations for this map.
    static func meansUnsupported(_ code: Int32) -> Bool {
        code == EINVAL || code == ENOTSUP || code == EOPNOTSUPP || code == 524 /* ENOTSUPP */
    }

    private func drainBatch(fd: Int32) throws(SamplingError) -> [DrainedCount] {
        var drained: [DrainedCount] = []
        var inBatch: UInt64 = 0
        var outBatch: UInt64 = 0
        var first = true
        while true {
            var count = UInt32(keys.count)
            var options = bpf_map_batch_opts()
            options.sz = MemoryLayout<bpf_map_batch_opts>.size
            let result = keys.withUnsafeMutableBytes { keyBuffer in
                values.withUnsafeMutableBytes { valueBuffer in
                    withUnsafeMutablePointer(to: &inBatch) { inPointer in
                        bpf_map_lookup_and_delete_batch(fd, first ? nil : UnsafeMutableRawPointer(inPointer),
                                                        &outBatch, keyBuffer.baseAddress,
                                                        valueBuffer.baseAddress, &count, &options)
                    }
                }
            }
            let code = result == 0 ? 0 : errno
            for index in 0..<Int(count) {
                drained.append(DrainedCount(key: keys[index], count: values[index]))
            }
            if code == ENOENT { break } // the whole map was visited
            if code == ENOSPC {
                // One hash bucket holds more entries than the buffer: grow and retry.
                keys.append(contentsOf: [ft_stack_key](repeating: ft_stack_key(), count: keys.count))
                values.append(contentsOf: [UInt64](repeating: 0, count: values.count))
                continue
            }
            if code != 0 {
                throw .system("bpf_map_lookup_and_delete_batch(counts)", errno: code)
            }
            inBatch = outBatch
            first = false
        }
        return drained
    }

    private func drainKeyLoop(fd: Int32) throws(SamplingError) -> [DrainedCount] {
        var found: [ft_stack_key] = []
        var key = ft_stack_key()
        var next = ft_stack_key()
        var hasKey = false
        while withUnsafeMutablePointer(to: &key, { pointer in
            bpf_map_get_next_key(fd, hasKey ? UnsafeRawPointer(pointer) : nil, &next)
        }) == 0 {
            found.append(next)
            key = next
            hasKey = true
        }
        var drained: [DrainedCount] = []
        drained.reserveCapacity(found.count)
        for var entry in found {
            var value: UInt64 = 0
            // Look up, then delete: a sample that races in between is lost, but the
            // buffer is idle while drained, so only a straggler from the flip can.
            if bpf_map_lookup_elem(fd, &entry, &value) == 0 {
                drained.append(DrainedCount(key: entry, count: value))
            }
            _ = bpf_map_delete_elem(fd, &entry)
        }
        return drained
    }
}
