import BPFObject
import CLibbpf
import CProfilerABI
import Testing

/// The BPF program and Swift share profiler_abi.h, but each compiler lays the
/// structs out itself (clang -target bpf vs the host importer). These tests read
/// the layout the BPF compiler recorded in the object's BTF and compare it with
/// what Swift sees.
struct ABILayoutTests {
    final class BTFHandle {
        let object: OpaquePointer
        let btf: OpaquePointer
        let bytes: UnsafeMutableRawBufferPointer

        init(embedded: [UInt8] = BPFObject.profileObject()) throws {
            bytes = .allocate(byteCount: embedded.count, alignment: 8)
            bytes.copyBytes(from: embedded)
            var options = bpf_object_open_opts()
            options.sz = MemoryLayout<bpf_object_open_opts>.size
            let opened = try #require(bpf_object__open_mem(bytes.baseAddress, bytes.count, &options))
            object = opened
            btf = try #require(bpf_object__btf(opened), "the embedded object must carry BTF")
        }

        deinit {
            bpf_object__close(object)
            bytes.deallocate()
        }

        /// (size, [member name: byte offset]) of a struct in the BTF.
        func structLayout(_ name: String) throws -> (size: Int, offsets: [String: Int]) {
            let id = btf__find_by_name_kind(btf, name, UInt32(BTF_KIND_STRUCT))
            #expect(id > 0, "struct \(name) must be in the BPF object's BTF")
            let type = try #require(btf__type_by_id(btf, UInt32(id)) as UnsafePointer<btf_type>?)
            var offsets: [String: Int] = [:]
            let members = btf_members(type)!
            for index in 0..<Int(btf_vlen(type)) {
                let member = members[index]
                let memberName = String(cString: btf__name_by_offset(btf, member.name_off))
                offsets[memberName] = Int(btf_member_bit_offset(type, UInt32(index))) / 8
            }
            return (Int(type.pointee.size), offsets)
        }
    }

    @Test func stackKeyLayoutMatchesBTF() throws {
        let handle = try BTFHandle()
        let layout = try handle.structLayout("ft_stack_key")
        #expect(layout.size == MemoryLayout<ft_stack_key>.size)
        #expect(layout.offsets["pid"] == MemoryLayout<ft_stack_key>.offset(of: \.pid))
        #expect(layout.offsets["tid"] == MemoryLayout<ft_stack_key>.offset(of: \.tid))
        #expect(layout.offsets["user_stack"] == MemoryLayout<ft_stack_key>.offset(of: \.user_stack))
        #expect(layout.offsets["kern_stack"] == MemoryLayout<ft_stack_key>.offset(of: \.kern_stack))
        #expect(layout.offsets["comm"] == MemoryLayout<ft_stack_key>.offset(of: \.comm))
    }

    @Test func configLayoutMatchesBTF() throws {
        let handle = try BTFHandle()
        let layout = try handle.structLayout("ft_config")
        #expect(layout.size == MemoryLayout<ft_config>.size)
        #expect(layout.offsets["target_tgid"] == MemoryLayout<ft_config>.offset(of: \.target_tgid))
        #expect(layout.offsets["flags"] == MemoryLayout<ft_config>.offset(of: \.flags))
    }

    @Test func countersLayoutMatchesBTF() throws {
        let handle = try BTFHandle()
        let layout = try handle.structLayout("ft_counters")
        #expect(layout.size == MemoryLayout<ft_counters>.size)
        #expect(layout.size == Int(FT_COUNTER_COUNT.rawValue) * 8, "readCounters reads CPUs × counters u64s")
    }

    /// The loader writes ft_config at offset 0 of .rodata and ft_active_buffer as
    /// the whole of .bss: each must be its section's only variable, at offset 0.
    @Test(arguments: [(".rodata", "ft_cfg"), (".bss", "ft_active_buffer")])
    func sectionHoldsOneVariableAtOffsetZero(section: String, variable: String) throws {
        let handle = try BTFHandle()
        // BTF_KIND_DATASEC is 15 (linux/btf.h); both linux/btf.h and libbpf declare it.
        let id = btf__find_by_name_kind(handle.btf, section, 15)
        #expect(id > 0, "\(section) must be in the BTF")
        let datasec = try #require(btf__type_by_id(handle.btf, UInt32(id)) as UnsafePointer<btf_type>?)
        #expect(btf_vlen(datasec) == 1)
        let info = try #require(btf_var_secinfos(datasec) as UnsafeMutablePointer<btf_var_secinfo>?)
        #expect(info.pointee.offset == 0)
        let varType = try #require(btf__type_by_id(handle.btf, info.pointee.type) as UnsafePointer<btf_type>?)
        #expect(String(cString: btf__name_by_offset(handle.btf, varType.pointee.name_off)) == variable)
    }
}
