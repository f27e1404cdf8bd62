import CLibbpf
import CProfilerABI
import FoundationEssentials
import Glibc

/// File descriptors of the sampler's maps and the operations user space does on
/// them: flip the active buffer, drain counts, read and free stacks, sum counters.
struct SamplerMaps {
    let counts: [Int32]
    let stacks: [Int32]
    /// The .bss map: its single variable is `ft_active_buffer`.
    let bss: Int32
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
        counters = try fd("ft_counters")
        var bssMap: OpaquePointer?
        var dataMap: OpaquePointer?
        var cursor: OpaquePointer? = nil
        while let map = bpf_object__next_map(object, cursor) {
            let name = String(cString: bpf_map__name(map))
            if name.hasSuffix(".bss") { bssMap = map }
            if name.hasSuffix(".data") { dataMap = map }
            cursor = map
        }
        guard let bssMap, bpf_map__value_size(bssMap) == UInt32(MemoryLayout<UInt32>.size) else {
            throw SamplingError(.system, operation: "find the .bss section (ft_active_buffer) of the BPF object")
        }
        bss = bpf_map__fd(bssMap)
        guard let dataMap, bpf_map__value_size(dataMap) == UInt32(MemoryLayout<UInt64>.size) else {
            throw SamplingError(.system, operation: "find the .data section (ft_first_sample_ns) of the BPF object")
        }
        data = bpf_map__fd(dataMap)
    }

    /// The .data map: its single variable is `ft_first_sample_ns` (nil for the off-CPU object).
    let data: Int32?

    /// CLOCK_MONOTONIC nanoseconds of the target's first admitted sample; nil before it.
    func firstSampleMonotonicNanoseconds() -> UInt64? {
        var key: UInt32 = 0
        var value: UInt64 = 0
        guard let data, bpf_map_lookup_elem(data, &key, &value) == 0, value != 0 else { return nil }
        return value
    }

    /// Points the program at buffer `index` for all samples from now on (writes
    /// the whole .bss section, which holds only ft_active_buffer).
    func activate(buffer index: Int) throws(SamplingError) {
        var key: UInt32 = 0
        var value = UInt32(index)
        if bpf_map_update_elem(bss, &key, &value, UInt64(BPF_ANY)) != 0 {
            throw .system("bpf_map_update_elem(.bss: ft_active_buffer)", errno: errno)
        }
    }

    /// The addresses of stack `hash` in buffer `index`'s stacks map, leaf first; nil if absent.
    func stack(hash: Int64, buffer index: Int, into scratch: inout [UInt64]) -> ArraySlice<UInt64>? {
        var key = hash
        let found = scratch.withUnsafeMutableBytes { raw in
            bpf_map_lookup_elem(stacks[index], &key, raw.baseAddress) == 0
        }
        guard found else { return nil }
        // The kernel zero-fills the unused tail of a stack entry.
        let depth = scratch.firstIndex(of: 0) ?? scratch.count
        return scratch[0..<depth]
    }

    func deleteStack(hash: Int64, buffer index: Int) {
        var key = hash
        _ = bpf_map_delete_elem(stacks[index], &key)
    }

    /// Deletes every entry of a stacks map (after drops left stacks nobody will read).
    func clearStacks(buffer index: Int) {
        var key: Int64 = 0
        var next: Int64 = 0
        var ids: [Int64] = []
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

    /// Sums the per-CPU counters: one lookup returns every CPU's `ft_counters`
    /// (each CPU's value is 8-byte aligned; the struct is all u64).
    func readCounters() -> [UInt64] {
        let cpus = max(Int(libbpf_num_possible_cpus()), 1)
        let perCPUCount = Int(FT_COUNTER_COUNT.rawValue)
        var values = [UInt64](repeating: 0, count: cpus * perCPUCount)
        var key: UInt32 = 0
        var totals = [UInt64](repeating: 0, count: perCPUCount)
        guard bpf_map_lookup_elem(counters, &key, &values) == 0 else { return totals }
        for cpu in 0..<cpus {
            for index in 0..<perCPUCount { totals[index] &+= values[cpu * perCPUCount + index] }
        }
        return totals
    }
}
