import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// Code without symbols is named by the function around it, from the FDE bounds of
/// `.eh_frame`: one name per function, not one per address.
@Suite struct FunctionBoundsTests {
    @Test func fdeBoundsAreTheSymbolBoundsOfAStrippedBinary() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let stripped = directory.file("ic-bare")
        try Command.check(["strip", "--strip-all", "-o", stripped, binary])
        let index = try FunctionBoundsIndex(path: stripped)
        for name in ["hot_c", "run", "main"] {
            let range = try DebugFixtures.functionRange(name, in: binary)
            for address in [range.lowerBound, range.lowerBound + 1, range.upperBound - 1] {
                #expect(index.function(containing: address) == range, "\(name) at 0x\(String(address, radix: 16))")
            }
        }
        #expect(index.function(containing: 0) == nil)
        #expect(throws: SymbolizationError.self) { try FunctionBoundsIndex(path: directory.file("missing")) }
    }

    /// One name, the function's start; the offset inside it stays on the frame, where
    /// `--lines` and the location column show it. Code with lines shows those instead.
    @Test func strippedFunctionIsOneNameAndKeepsTheOffsetInsideIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let stripped = directory.file("ic-bare")
        try Command.check(["strip", "--strip-all", "-o", stripped, binary])
        let hot = try DebugFixtures.functionRange("hot_c", in: binary)
        let symbolizer = Symbolizer(cache: ModuleCache())
        let leaves = try symbolizer.symbolizeFile(path: stripped, addresses: Array(hot)).map { $0.last }
        let names = Set(leaves.compactMap { $0?.function })
        #expect(names == ["ic-bare+0x\(String(hot.lowerBound, radix: 16))"], "\(names)")
        #expect(leaves.map { $0?.offsetInFunction } == hot.map { $0 - hot.lowerBound })
        #expect(leaves.last??.position?.description == "+0x\(String(hot.count - 1, radix: 16))")
        let named = try symbolizer.symbolizeFile(path: binary, addresses: [hot.lowerBound + 1])
        #expect(named.first?.last?.offsetInFunction == nil, "\(named)")
        #expect(named.first?.last?.line != nil, "the unstripped binary has lines")
    }

    /// Debian's stripped liblzma (what xz runs): every address of its code lies in one FDE,
    /// and the index answers for a file offset as a mapping gives it.
    @Test func debianLiblzma() throws {
        let library = try #require(["/lib/x86_64-linux-gnu/liblzma.so.5", "/usr/lib/x86_64-linux-gnu/liblzma.so.5"]
            .first { FileManager.default.fileExists(atPath: $0) }, "liblzma5 is part of Debian's base system")
        let index = try FunctionBoundsIndex(path: library)
        let table = try ElfSymbolTable(path: library)
        #expect(!table.hasFullSymbolTable, "Debian strips .symtab")
        let text = try #require(table.segments.first { $0.isExecutable })
        var starts = Set<UInt64>()
        var address = text.virtualAddress
        while address < text.virtualAddress + text.fileSize {
            if let function = index.function(containing: address) {
                starts.insert(function.lowerBound)
                #expect(function.contains(address))
            }
            address += 64
        }
        #expect(starts.count > 100, "liblzma has hundreds of functions: \(starts.count)")
        let offset = text.fileOffset + 0x100
        #expect(index.function(containingFileOffset: offset) == index.function(containing: text.virtualAddress + 0x100))
    }
}
