import BPFObject
import CProfilerABI
import Foundation
@testable import Sampling
import Testing

/// The DWARF-mode record and config as bpf/unwind.bpf.c laid them out (BTF)
/// against what Swift sees: the consumer reads records by this layout.
struct UnwindABILayoutTests {
    static func handle() throws -> ABILayoutTests.BTFHandle {
        let data = try #require(Data(base64Encoded: UnwindBPFProgram.objectBase64))
        return try ABILayoutTests.BTFHandle(embedded: [UInt8](data))
    }

    @Test func sampleHeaderLayoutMatchesBTF() throws {
        let layout = try Self.handle().structLayout("ft_unwind_sample_header")
        typealias Header = ft_unwind_sample_header
        #expect(layout.size == MemoryLayout<Header>.size)
        #expect(layout.size % 8 == 0, "the stack copy follows the header 8-byte aligned")
        #expect(layout.offsets["pid"] == MemoryLayout<Header>.offset(of: \.pid))
        #expect(layout.offsets["tid"] == MemoryLayout<Header>.offset(of: \.tid))
        #expect(layout.offsets["comm"] == MemoryLayout<Header>.offset(of: \.comm))
        #expect(layout.offsets["flags"] == MemoryLayout<Header>.offset(of: \.flags))
        #expect(layout.offsets["stack_size"] == MemoryLayout<Header>.offset(of: \.stack_size))
        #expect(layout.offsets["kernel_depth"] == MemoryLayout<Header>.offset(of: \.kernel_depth))
        #expect(layout.offsets["regs"] == MemoryLayout<Header>.offset(of: \.regs))
        #expect(layout.offsets["kernel_ips"] == MemoryLayout<Header>.offset(of: \.kernel_ips))
    }

    @Test func configAndCountersLayoutMatchBTF() throws {
        let handle = try Self.handle()
        let config = try handle.structLayout("ft_unwind_config")
        #expect(config.size == MemoryLayout<ft_unwind_config>.size)
        #expect(config.offsets["stack_bytes"] == MemoryLayout<ft_unwind_config>.offset(of: \.stack_bytes))
        let counters = try handle.structLayout("ft_unwind_counters")
        #expect(counters.size == Int(FT_UNWIND_COUNTER_COUNT.rawValue) * 8)
    }

    /// The kernel rejects a ring buffer that is not a power-of-two number of pages.
    @Test(arguments: [(1, 65536), (65536, 65536), (65537, 131072), (8 << 20, 8 << 20), (5_000_000, 8 << 20)])
    func ringSizeRoundsUpToAPowerOfTwo(asked: Int, expected: Int) {
        #expect(DwarfSampler.ringSize(asked) == expected)
    }

    /// ~100 ms of full records from every CPU, between 256 KB and 8 MB.
    @Test func ringSizeFollowsTheRate() {
        var settings = SessionSettings(target: .process(pid: 1))
        settings.stackCopyBytes = 8192
        settings.frequency = 99
        #expect(settings.ringBufferBytes(cpus: 2) == 256 << 10)
        settings.frequency = 1000
        let record = MemoryLayout<ft_unwind_sample_header>.size + 8192
        #expect(settings.ringBufferBytes(cpus: 2) == 1000 * 2 * record / 10)
        #expect(DwarfSampler.ringSize(settings.ringBufferBytes(cpus: 2)) == 2 << 20)
        #expect(settings.ringBufferBytes(cpus: 64) == 8 << 20)
        settings.ringBufferBytes = 65536
        #expect(settings.ringBufferBytes(cpus: 64) == 65536, "an explicit size wins")
    }
}
