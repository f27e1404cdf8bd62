import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// DWARF names, inlined chains and lines read from real gcc and clang builds, with and
/// without separate debug files.
@Suite struct DwarfTests {
    static let source = DebugFixtures.source("inline_chain.c")

    /// Every instruction of hot_c is hot_c's own code or leaf_inlined's, and the loop
    /// gives the chain leaf_inlined (at its loop line) ← hot_c (at the call line).
    @Test(arguments: ["gcc", DebugFixtures.clang])
    func inlinedChainAndLines(compiler: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: compiler, in: directory, output: "ic")
        try expectInlinedChain(in: binary, symbols: binary)
    }

    @Test(arguments: ["gcc", DebugFixtures.clang])
    func strippedBinaryWithBuildIDDebugFile(compiler: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: compiler, in: directory, output: "ic")
        let root = directory.file("debug-root")
        let stripped = try DebugFixtures.stripWithBuildIDDebugFile(binary, in: directory, strippedName: "ic-stripped",
                                                                   debugRoot: root)
        let options = SymbolizerOptions(debugDirectories: [root + "/"])
        try expectInlinedChain(in: stripped, symbols: binary, options: options)
        let symbolizer = Symbolizer(options: options, cache: ModuleCache())
        #expect(try symbolizer.debugFile(path: stripped)?.hasPrefix(root + "/.build-id/") == true)

        // Without the root, only .dynsym is left: module+0xADDRESS, and the reason says why.
        let bare = Symbolizer(cache: ModuleCache())
        let hot = try DebugFixtures.functionRange("hot_c", in: binary)
        let frames = try bare.symbolizeFile(path: stripped, addresses: [hot.lowerBound])
        #expect(frames == [[Frame(function: "ic-stripped+0x\(String(hot.lowerBound, radix: 16))", module: "ic-stripped",
                                  offsetInFunction: 0)]])
        #expect(bare.statistics.unresolvedFrames(.noDebugInfo) == 1)
        let report = bare.statistics.unresolvedByModule()
        #expect(report.first?.module == "ic-stripped")
        #expect(report.first?.hint.contains("--debug-dir") == true, "\(report)")
    }

    @Test func strippedBinaryWithDebugLink() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let stripped = try DebugFixtures.stripWithDebugLink(binary, in: directory, strippedName: "ic-linked")
        try expectInlinedChain(in: stripped, symbols: binary)
        let symbolizer = Symbolizer(cache: ModuleCache())
        #expect(try symbolizer.debugFile(path: stripped) == directory.file(".debug/ic-linked.debug"))
    }

    @Test func noInlineOptionKeepsTheFunctionAtItsCallSite() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let hot = try DebugFixtures.functionRange("hot_c", in: binary)
        let symbolizer = Symbolizer(options: SymbolizerOptions(inlineFrames: false), cache: ModuleCache())
        let chains = try symbolizer.symbolizeFile(path: binary, addresses: Array(hot))
        #expect(chains.allSatisfy { $0.count == 1 && $0[0].function == "hot_c" && !$0[0].isInlined })
        let callLine = try DebugFixtures.line(of: "hot_call")
        #expect(chains.contains { $0[0].line == callLine })
    }

    /// Compressed DWARF past the memory limit is skipped: names come from the symbol
    /// table, without lines or inlined frames; without a limit the chain is back.
    @Test func compressedDWARFOverTheLimitIsNamedFromSymbols() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let compressed = directory.file("ic-zlib")
        try Command.check(["objcopy", "--compress-debug-sections=zlib", binary, compressed])
        let hot = try DebugFixtures.functionRange("hot_c", in: binary)

        let limited = Symbolizer(options: SymbolizerOptions(maximumDecompressedDWARFBytes: 1), cache: ModuleCache())
        let named = try limited.symbolizeFile(path: compressed, addresses: Array(hot))
        #expect(named.allSatisfy { $0.count == 1 && $0[0].function == "hot_c" && $0[0].line == nil }, "\(named)")

        try expectInlinedChain(in: compressed, symbols: binary,
                               options: SymbolizerOptions(maximumDecompressedDWARFBytes: nil))
    }

    /// gcc builds: the same functions, chains and lines as eu-addr2line for every
    /// instruction address of the program's functions.
    @Test func sameAnswersAsAddr2LineOnGCCBuild() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        var addresses: [UInt64] = []
        for function in ["hot_c", "run", "main"] {
            addresses += Array(try DebugFixtures.functionRange(function, in: binary))
        }
        let expected = try Addr2Line.run(file: binary, addresses: addresses)
        let symbolizer = Symbolizer(cache: ModuleCache())
        let chains = try symbolizer.symbolizeFile(path: binary, addresses: addresses)
        #expect(expected.count == addresses.count)
        for (index, chain) in chains.enumerated() where index < expected.count {
            let ours = chain.map { Addr2Line.Frame(function: $0.function, file: $0.sourceFile, line: $0.line) }
            #expect(ours == expected[index], "at 0x\(String(addresses[index], radix: 16))")
        }
    }

    private func expectInlinedChain(in file: String, symbols: String,
                                    options: SymbolizerOptions = SymbolizerOptions()) throws {
        let hot = try DebugFixtures.functionRange("hot_c", in: symbols)
        let leafLine = try DebugFixtures.line(of: "leaf_loop")
        let callLine = try DebugFixtures.line(of: "hot_call")
        let symbolizer = Symbolizer(options: options, cache: ModuleCache())
        let chains = try symbolizer.symbolizeFile(path: file, addresses: Array(hot))
        for chain in chains {
            #expect(chain.last?.function == "hot_c", "\(chain)")
            #expect(chain.last?.isInlined == false)
            #expect(chain.allSatisfy { ["hot_c", "leaf_inlined"].contains($0.function) }, "\(chain)")
        }
        let expected = [
            Frame(function: "leaf_inlined", module: Symbolizer.basename(file), isInlined: true,
                  sourceFile: Self.source, line: leafLine),
            Frame(function: "hot_c", module: Symbolizer.basename(file), sourceFile: Self.source, line: callLine),
        ]
        #expect(chains.contains(expected), "no address of hot_c gives the inlined chain: \(chains)")
    }
}

/// A binary replaced on disk while it runs: its path now names another file, and only
/// /proc/PID/map_files still reaches the mapped one (with its DWARF).
@Suite struct ReplacedBinaryTests {
    @Test(.needsRoot) func replacedBinaryResolvesThroughMapFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
        let table = try ElfSymbolTable(path: binary)
        let hot = try DebugFixtures.functionRange("hot_c", in: binary)
        let workload = try Workloads.start(binary)
        defer { workload.terminate() }
        // rename(2) over the path, as package managers replace files.
        let other = try CCompiler.build(source: "int main(void) { return 0; }", in: directory, name: "other")
        try #require(rename(other, binary) == 0)

        let maps = try ProcessMaps.read(pid: workload.pid)
        let segment = try #require(table.segments.first { $0.isExecutable })
        let fileOffset = hot.lowerBound - segment.virtualAddress + segment.fileOffset
        let mapping = try #require(maps.mappings.first {
            $0.path == binary && $0.permissions.isExecutable && fileOffset >= $0.fileOffset
                && fileOffset - $0.fileOffset < $0.end - $0.start
        }, "no executable mapping of \(binary) in \(maps.mappings)")
        let address = mapping.start + (fileOffset - mapping.fileOffset)
        let frames = Symbolizer(cache: ModuleCache()).symbolizeUser(pid: workload.pid, addresses: [address])
        #expect(frames.map(\.function) == ["hot_c"], "\(frames)")
        #expect(frames.first?.sourceFile == DebugFixtures.source())
    }
}
