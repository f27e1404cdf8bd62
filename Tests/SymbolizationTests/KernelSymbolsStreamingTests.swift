import Glibc
import Testing
import TestSupport
@testable import Symbolization

/// /proc/kallsyms is read in chunks: every line cut by a read must come out as the
/// whole-text parse gives it.
@Suite struct KernelSymbolsStreamingTests {
    /// Core kernel in address order with aliases and data, then modules in no order, with
    /// aliases on adjacent and on distant lines, a module symbol inside the core's range, a
    /// blank line, and no newline at the end.
    static let text = """
        ffffffff81000000 T srso_alias_untrain_ret
        ffffffff81000000 T _stext
        ffffffff81000000 t startup_64
        ffffffff81000040 t secondary_startup
        ffffffff81000040 T secondary_startup_64
        ffffffff81000100 D some_data
        ffffffff81000200 T vfs_read
        ffffffff81000300 w weak_low
        ffffffff81000300 W weak_high
        ffffffff81000400 b some_bss
        ffffffff81000500 t local_function

        ffffffffc0002000 t kvm_second\t[kvm]
        ffffffffc0001000 t kvm_first\t[kvm]
        ffffffffc0001000 T kvm_first_global\t[kvm]
        ffffffffc0003000 w kvm_weak\t[kvm]
        ffffffffc0000800 d kvm_data\t[kvm]
        ffffffffc0002000 T kvm_second_exported\t[kvm_intel]
        ffffffffc0003000 w kvm_weak_again\t[kvm_intel]
        ffffffff81000080 t early_trampoline\t[__builtin__ftrace]
        ffffffff81000200 t vfs_read_local\t[__builtin__ftrace]
        ffffffffc0010000 t bpf_prog_6deef7357e7b4530_sd_fw_ingress\t[bpf]
        """

    /// Each address in the text, its neighbours, and the edges of the address space.
    static func probes(_ text: String) -> [UInt64] {
        var probes: [UInt64] = [0, 1, .max, .max - 1]
        for line in text.split(separator: "\n") {
            guard let address = UInt64(line.prefix(while: { $0 != " " }), radix: 16) else { continue }
            probes += [address &- 1, address, address &+ 1, address &+ 0x7f]
        }
        return probes
    }

    @Test(arguments: [1, 2, 7, 13, 64, 64 * 1024])
    func chunkedLoadMatchesWholeTextParse(chunkSize: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("kallsyms", Self.text)
        let streamed = try KernelSymbols.load(path: path, chunkSize: chunkSize)
        let whole = try KernelSymbols(parsing: Self.text)
        #expect(streamed.count == whole.count)
        #expect(whole.count == 10, "distinct text addresses: aliases merged, data skipped")
        for probe in Self.probes(Self.text) {
            #expect(streamed.symbol(at: probe) == whole.symbol(at: probe),
                    "chunk \(chunkSize), address \(String(probe, radix: 16))")
        }
    }

    @Test func sortsModuleSymbolsAndSettlesAliases() throws {
        let symbols = try KernelSymbols(parsing: Self.text)
        func name(_ address: UInt64) -> String? { symbols.symbol(at: address)?.name }
        #expect(name(0xffff_ffff_8100_0000) == "srso_alias_untrain_ret", "first of equal rank wins")
        #expect(name(0xffff_ffff_8100_0050) == "secondary_startup_64", "global beats local on the next line")
        #expect(name(0xffff_ffff_8100_0090) == "early_trampoline", "module symbol inside the core's range")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0090)?.module == "__builtin__ftrace")
        #expect(symbols.symbol(at: 0xffff_ffff_8100_0210) == .init(name: "vfs_read", module: nil,
                                                                  address: 0xffff_ffff_8100_0200),
                "a later local alias does not beat an earlier global")
        #expect(name(0xffff_ffff_8100_0300) == "weak_high")
        #expect(name(0xffff_ffff_c000_0900) == "local_function", "module data does not end text")
        #expect(name(0xffff_ffff_c000_1000) == "kvm_first_global")
        #expect(symbols.symbol(at: 0xffff_ffff_c000_2000) == .init(name: "kvm_second_exported", module: "kvm_intel",
                                                                  address: 0xffff_ffff_c000_2000),
                "a distant global alias beats the local one")
        #expect(symbols.symbol(at: 0xffff_ffff_c000_3001)?.name == "kvm_weak", "first of two distant weak aliases")
        #expect(symbols.symbol(at: 0xffff_ffff_c001_0040)?.module == "bpf")
        #expect(name(0xffff_ffff_ffff_fff0) == "bpf_prog_6deef7357e7b4530_sd_fw_ingress")
        #expect(name(.max) == nil, "the last symbol ends at the top, exclusive")
    }

    @Test func reportsMalformedLineNumberAcrossChunks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let text = "ffffffff81000000 T _stext\n\nffffffff81000200 vfs_read\nffffffff81000300 T later\n"
        let path = try directory.write("kallsyms", text)
        #expect(throws: SymbolizationError.malformedLine(path: path, line: 3, text: "ffffffff81000200 vfs_read")) {
            try KernelSymbols.load(path: path, chunkSize: 5)
        }
    }

    @Test func readsLinesSplitAcrossChunks() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let long = String(repeating: "x", count: 300)
        for text in ["a\n\nbc\n\(long)\nlast without newline", "one\ntwo\n", "", "\n", "single"] {
            let path = try directory.write("lines", text)
            var expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if expected.last == "" { expected.removeLast() }
            for chunkSize in [1, 2, 3, 7, 64, 4096] {
                var lines: [String] = []
                try ProcFile.forEachLine(path, chunkSize: chunkSize) { lines.append(String(decoding: $0, as: UTF8.self)) }
                #expect(lines == expected, "chunk \(chunkSize) over \(text.debugDescription)")
            }
        }
    }

    @Test func reportsMissingFile() {
        #expect(throws: SymbolizationError.cannotOpen(path: "/nonexistent/kallsyms", errno: ENOENT)) {
            try KernelSymbols.load(path: "/nonexistent/kallsyms")
        }
    }

    /// On the live kernel every text symbol's address is named by it or by an alias at
    /// that address, `__pfx_` padding folded into its function included.
    @Test(.needsRoot) func liveKallsymsNamesEveryTextSymbol() throws {
        let bytes = try ProcFile.readAll("/proc/kallsyms")
        let symbols = try KernelSymbols(parsing: bytes)
        var namesAt: [UInt64: Set<String>] = [:]
        var paddings = 0
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 2)
            guard fields.count == 3, "tTwW".contains(fields[1]), let address = UInt64(fields[0], radix: 16) else { continue }
            let name = String(fields[2].split(separator: "\t").first ?? "")
            if name.hasPrefix("__pfx_") { paddings += 1 }
            namesAt[address, default: []].insert(name)
        }
        var mismatches: [String] = []
        for (address, names) in namesAt where address != .max {
            let found = symbols.symbol(at: address)
            if found?.address != address || !names.contains(found?.name ?? "") {
                mismatches.append("\(String(address, radix: 16)) \(names.sorted()) -> \(found?.name ?? "nil")")
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(namesAt.count), first: \(mismatches.prefix(5))")
        print("live kallsyms: \(namesAt.count) text addresses (\(paddings) __pfx_), \(symbols.count) table entries")
    }

    /// Every lookup in the live table must match the whole-file parse of the same text.
    @Test(.needsRoot) func streamedLiveKallsymsMatchesWholeParse() throws {
        // /proc/kallsyms changes as BPF programs come and go: parse one snapshot both ways.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let bytes = try ProcFile.readAll("/proc/kallsyms")
        let path = try directory.write("kallsyms", String(decoding: bytes, as: UTF8.self))
        let streamed = try KernelSymbols.load(path: path)
        let whole = try KernelSymbols(parsing: bytes)
        #expect(streamed.count == whole.count)
        var mismatches = 0
        for probe in Self.probes(String(decoding: bytes, as: UTF8.self))
        where streamed.symbol(at: probe) != whole.symbol(at: probe) {
            mismatches += 1
        }
        #expect(mismatches == 0)
    }
}
