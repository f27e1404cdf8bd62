import CLibbpf
import CProfilerABI
import Foundation

/// File descriptors of the sampler's maps and the operations user space does on
/// them: flip the active buffer, drain counts, read and free stacks, sum counters.
struct SamplerMaps {
    let counts: [Int32]
    let stacks: [Int32]
    let active: Int32
    let counters: Int32

    init(object: OpaquePointer) throws(SamplingError) {
        func fd(_ name: String) throws(SamplingError) -> Int32 {
            guard let map = bpf_object__find_map_by_name(object, name) else {
                throw SamplingError(.system, operation: "find BPF map \(name)")
            }
            return bpf_map__fd(map)
        }
        var counts: [Int32] = []
        var stacks: [Int32] = []
        for index in 0..<Int(FT_BUFFER_COUNT) {
            counts.append(try fd("ft_counts_\(index)"))
            stacks.append(try fd("ft_stacks_\(index)"))
        }
        self.counts = counts
        self.stacks = stacks
        active = try fd("ft_active")
        counters = try fd("ft_counters")
    }

    /// Points the program at buffer `index` for all samples from now on.
    func activate(buffer index: Int) throws(SamplingError) {
        var key: UInt32 = 0
        var value = UInt32(index)
        if bpf_map_update_elem(active, &key, &value, UInt64(BPF_ANY)) != 0 {
            throw .system("bpf_map_update_elem(ft_active)", errno: errno)
        }
    }

    /// The addresses of stack `id` in buffer `index`'s stack map, leaf first; nil if absent.
    func stack(id: Int32, buffer index: Int, into scratch: inout [UInt64]) -> ArraySlice<UInt64>? {
        var key = UInt32(bitPattern: id)
        let found = scratch.withUnsafeMutableBytes { raw in
            bpf_map_lookup_elem(stacks[index], &key, raw.baseAddress) == 0
        }
        guard found else { return nil }
        // The kernel zero-fills the unused tail of a stack entry.
        let depth = scratch.firstIndex(of: 0) ?? scratch.count
        return scratch[0..<depth]
    }

    func deleteStack(id: Int32, buffer index: Int) {
        var key = UInt32(bitPattern: id)
        _ = bpf_map_delete_elem(stacks[index], &key)
    }

    /// Deletes every entry of a stack map (after drops left ids nobody will read).
    func clearStacks(buffer index: Int) {
        var key: UInt32 = 0
        var next: UInt32 = 0
        var ids: [UInt32] = []
        var hasKey = false
        while withUnsafeMutablePointer(to: &key, { keyPointer in
            bpf_map_get_next_key(stacks[index], hasKey ? keyPointer : nil, &next)
        }) == 0 {
            ids.append(next)
            key = next
            hasKey = true
        }
        for var id in ids { _ = bpf_map_delete_elem(stacks[index], &id) }
    }

    /// Sums the per-CPU counters.
    func readCounters() -> [UInt64] {
        let cpus = Int(libbpf_num_possible_cpus())
        var totals = [UInt64](repeating: 0, count: Int(FT_COUNTER_COUNT.rawValue))
        var perCPU = [UInt64](repeating: 0, count: max(cpus, 1))
        for index in 0..<totals.count {
            var key = UInt32(index)
            if bpf_map_lookup_elem(counters, &key, &perCPU) == 0 {
                totals[index] = perCPU.reduce(0, &+)
            }
        }
        return totals
    }

    /// Zeroes the counters (a reset of the profile).
    func resetCounters() {
        let cpus = Int(libbpf_num_possible_cpus())
        var zeros = [UInt64](repeating: 0, count: max(cpus, 1))
        for index in 0..<Int(FT_COUNTER_COUNT.rawValue) {
            var key = UInt32(index)
            _ = bpf_map_update_elem(counters, &key, &zeros, UInt64(BPF_ANY))
        }
    }
}
