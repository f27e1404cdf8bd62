import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

@Suite struct KernelSymbolsTests {
    static let text = """
        ffffffff81000000 t startup_64
        ffffffff81000000 T _stext
        ffffffff81000100 D some_data
        ffffffff81000200 T vfs_read
        ffffffff81000300 W weak_function
        ffffffff81000400 b some_bss
        ffffffff81000500 t local_function
        ffffffffc0001000 t kvm_helper\t[kvm]
        ffffffffc0002000 T kvm_entry\t[kvm]
        ffffffffc0003000 d kvm_data\t[kvm]
        ffffffffc0010000 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]

        """

    @Test func keepsTextSymbolsAndModules() throws {
        let symbols = try KernelSymbols(parsing: Self.text)
        #expect(symbols.count == 7, "7 distinct text addresses (aliases merged, data skipped)")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0000)?.name == "_stext", "global beats local alias")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0150)?.name == "_stext", "data symbols do not end text ones")
        let read = try #require(symbols.symbol(at: 0xffff_ffff_8100_0234))
        #expect(read == .init(name: "vfs_read", module: nil, address: 0xffff_ffff_8100_0200))
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0310)?.name == "weak_function")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0501)?.name == "local_function")
        #expect(symbols.symbol(at: 0xffff_ffff_c000_1004) == .init(name: "kvm_helper", module: "kvm",
                                                                  address: 0xffff_ffff_c000_1000))
        #expect(symbols.symbol(at: 0xffff_ffff_c000_2004)?.module == "kvm")
        #expect(symbols.symbol(at: 0xffff_ffff_c001_0040)?.module == "bpf")
        #expect(symbols.symbol(at: 0xffff_ffff_80ff_ffff) == nil)
    }

    /// Function padding (`__pfx_` symbols, half the table on 6.x x86) becomes a byte on
    /// the function it precedes; addresses in it are still named `__pfx_FUNCTION`.
    @Test func paddingSymbolsFoldIntoTheirFunction() throws {
        let symbols = try KernelSymbols(parsing: """
            ffffffff81000000 T _stext
            ffffffff810000f0 T __pfx_vfs_read
            ffffffff81000100 T vfs_read
            ffffffff810001f0 t __pfx_orphan
            ffffffff81000200 t local_function
            ffffffffc0000ff0 t __pfx_kvm_helper\t[kvm]
            ffffffffc0001000 t kvm_helper\t[kvm]
            ffffffffc0002000 t __pfx_\t[kvm]
            ffffffffc0003000 t __pfx_last\t[kvm]

            """)
        #expect(symbols.count == 7, "two paddings folded into their functions, the orphan and the last kept")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_00ef)?.name == "_stext", "padding ends the function before it")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_00f4) == .init(name: "__pfx_vfs_read", module: nil,
                                                                  address: 0xffff_ffff_8100_00f0))
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0104) == .init(name: "vfs_read", module: nil,
                                                                  address: 0xffff_ffff_8100_0100))
        #expect(symbols.symbol(at: 0xffff_ffff_8100_01f8)?.name == "__pfx_orphan", "not its function's: kept as is")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0208)?.name == "local_function")
        #expect(symbols.symbol(at: 0xffff_ffff_c000_0ff8) == .init(name: "__pfx_kvm_helper", module: "kvm",
                                                                  address: 0xffff_ffff_c000_0ff0))
        #expect(symbols.symbol(at: 0xffff_ffff_c000_1008)?.name == "kvm_helper")
        #expect(symbols.symbol(at: 0xffff_ffff_c000_2008)?.name == "__pfx_", "a bare prefix is a name of its own")
        #expect(symbols.symbol(at: 0xffff_ffff_c000_3008)?.name == "__pfx_last")
    }

    @Test func reportsHiddenAddresses() {
        let hidden = """
            0000000000000000 T _stext
            0000000000000000 T vfs_read
            0000000000000000 t kvm_helper\t[kvm]
            """
        #expect(throws: SymbolizationError.kernelAddressesHidden(path: "kallsyms")) {
            try KernelSymbols(parsing: hidden)
        }
        #expect(SymbolizationError.kernelAddressesHidden(path: "kallsyms").hint.contains("kptr_restrict"))
    }

    @Test func symbolizerNamesHiddenKernelFramesByAddress() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("kallsyms", "0000000000000000 T _stext\n0000000000000000 T vfs_read\n")
        let symbolizer = Symbolizer(kallsymsPath: path)
        let frames = symbolizer.symbolizeKernel(addresses: [0xffff_ffff_8100_0010, 0xffff_ffff_8100_0020])
        #expect(frames == [Frame(function: "[kernel]+0xffffffff81000010", module: "[kernel]", kind: .kernel),
                           Frame(function: "[kernel]+0xffffffff81000020", module: "[kernel]", kind: .kernel)])
        #expect(symbolizer.statistics.unresolvedFrames(.kernelHidden) == 2)
        #expect(symbolizer.kernelSymbolsError == .kernelAddressesHidden(path: path))
    }

    @Test func symbolizerUsesModuleNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("kallsyms", Self.text)
        let symbolizer = Symbolizer(kallsymsPath: path)
        let frames = symbolizer.symbolizeKernel(addresses: [0xffff_ffff_8100_0208, 0xffff_ffff_c000_2010, 0x1000])
        #expect(frames == [Frame(function: "vfs_read", module: "[kernel]", kind: .kernel),
                           Frame(function: "kvm_entry", module: "[kvm]", kind: .kernel),
                           Frame(function: "[kernel]+0x1000", module: "[kernel]", kind: .kernel)])
        #expect(symbolizer.statistics.resolvedFrames == 2)
        #expect(symbolizer.statistics.unresolvedFrames(.noSymbols) == 1)
    }

    /// A long system-wide session meets ever new kernel addresses; what it remembers grows
    /// with the functions they fall in, and each frame still carries its own address.
    @Test func remembersKernelLookupsPerFunctionNotPerAddress() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("kallsyms", Self.text)
        let symbolizer = Symbolizer(kallsymsPath: path)
        let addresses = (0..<64).map { 0xffff_ffff_8100_0200 + UInt64($0) * 4 }
        let frames = symbolizer.symbolizeKernel(addresses: addresses + [0xffff_ffff_c000_2010])
        #expect(frames.dropLast().allSatisfy { $0.function == "vfs_read" })
        #expect(frames.map(\.address) == addresses + [0xffff_ffff_c000_2010])
        #expect(symbolizer.kernelMemo.count <= 2, "vfs_read and kvm_entry (the first lookup loads the table)")
        #expect(symbolizer.statistics.resolvedFrames == 65)
    }

    @Test(.needsRoot) func resolvesLiveKernelSymbol() throws {
        // Find vfs_read's address independently of the parser under test.
        let text = try Command.check(["grep", " T vfs_read$", "/proc/kallsyms"]).stdout
        let line = try #require(text.split(separator: "\n").first)
        let address = try #require(UInt64(line.prefix(while: { $0 != " " }), radix: 16))
        let symbolizer = Symbolizer()
        let frames = symbolizer.symbolizeKernel(addresses: [address, address + 4])
        #expect(frames == Array(repeating: Frame(function: "vfs_read", module: "[kernel]", kind: .kernel), count: 2))
        #expect(symbolizer.kernelSymbolsError == nil)
    }

    /// The whole live table loads (its speed is measured by `make bench`, not here).
    @Test(.needsRoot) func loadsLiveKallsyms() throws {
        let symbols = try KernelSymbols.load()
        #expect(symbols.count > 10_000)
        let text = try Command.check(["grep", " T vfs_read$", "/proc/kallsyms"]).stdout
        let line = try #require(text.split(separator: "\n").first)
        let address = try #require(UInt64(line.prefix(while: { $0 != " " }), radix: 16))
        #expect(symbols.symbol(at: address)?.name == "vfs_read")
    }
}
