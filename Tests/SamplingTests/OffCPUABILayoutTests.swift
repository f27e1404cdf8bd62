import BPFObject
import CLibbpf
import CProfilerABI
import Foundation
import Testing

/// bpf/offcpu.bpf.c and the Swift side agree on the structs they share
/// (the BTF clang wrote into the off-CPU object vs the importer's layout).
struct OffCPUABILayoutTests {
    static func handle() throws -> ABILayoutTests.BTFHandle {
        let bytes = try #require(Data(base64Encoded: OffcpuBPFProgram.objectBase64))
        return try ABILayoutTests.BTFHandle(embedded: [UInt8](bytes))
    }

    @Test func configLayoutMatchesBTF() throws {
        let layout = try Self.handle().structLayout("ft_offcpu_config")
        #expect(layout.size == MemoryLayout<ft_offcpu_config>.size)
        #expect(layout.offsets["target_tgid"] == MemoryLayout<ft_offcpu_config>.offset(of: \.target_tgid))
        #expect(layout.offsets["flags"] == MemoryLayout<ft_offcpu_config>.offset(of: \.flags))
        #expect(layout.offsets["min_block_ns"] == MemoryLayout<ft_offcpu_config>.offset(of: \.min_block_ns))
    }

    @Test func taskEntryLayoutMatchesBTF() throws {
        let layout = try Self.handle().structLayout("ft_offcpu_task")
        #expect(layout.size == MemoryLayout<ft_offcpu_task>.size)
        for (name, offset) in [("start_ns", MemoryLayout<ft_offcpu_task>.offset(of: \.start_ns)),
                               ("pid", MemoryLayout<ft_offcpu_task>.offset(of: \.pid)),
                               ("tid", MemoryLayout<ft_offcpu_task>.offset(of: \.tid)),
                               ("user_bytes", MemoryLayout<ft_offcpu_task>.offset(of: \.user_bytes)),
                               ("kern_bytes", MemoryLayout<ft_offcpu_task>.offset(of: \.kern_bytes)),
                               ("comm", MemoryLayout<ft_offcpu_task>.offset(of: \.comm)),
                               ("user_ips", MemoryLayout<ft_offcpu_task>.offset(of: \.user_ips)),
                               ("kern_ips", MemoryLayout<ft_offcpu_task>.offset(of: \.kern_ips))] {
            #expect(layout.offsets[name] == offset, "\(name)")
        }
    }

    @Test func countsKeyAndCountersMatchBTF() throws {
        let handle = try Self.handle()
        #expect(try handle.structLayout("ft_stack_key").size == MemoryLayout<ft_stack_key>.size)
        let counters = try handle.structLayout("ft_offcpu_counters")
        #expect(counters.size == Int(FT_OFFCPU_COUNTER_COUNT.rawValue) * 8, "readCounters reads CPUs × counters u64s")
    }

    /// The loader writes ft_offcpu_config at offset 0 of .rodata and ft_active_buffer
    /// as the whole of .bss (SamplerMaps.activate).
    @Test(arguments: [(".rodata", "ft_cfg"), (".bss", "ft_active_buffer")])
    func sectionHoldsOneVariableAtOffsetZero(section: String, variable: String) throws {
        let handle = try Self.handle()
        let id = btf__find_by_name_kind(handle.btf, section, 15) // BTF_KIND_DATASEC
        #expect(id > 0, "\(section) must be in the BTF")
        let datasec = try #require(btf__type_by_id(handle.btf, UInt32(id)) as UnsafePointer<btf_type>?)
        #expect(btf_vlen(datasec) == 1)
        let info = try #require(btf_var_secinfos(datasec) as UnsafeMutablePointer<btf_var_secinfo>?)
        #expect(info.pointee.offset == 0)
        let varType = try #require(btf__type_by_id(handle.btf, info.pointee.type) as UnsafePointer<btf_type>?)
        #expect(String(cString: btf__name_by_offset(handle.btf, varType.pointee.name_off)) == variable)
    }
}
