import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// C++ frames carry their whole scope however GCC -O2 describes them: functions DWARF gives
/// no linkage name (a template instantiated with a lambda), std::sort inlined into them,
/// clones (`.constprop`, `.isra`, `.cold`). The reference: binutils' `nm -C` for the
/// out-of-line function (less `[clone …]`), elfutils' `addr2line -f -i -C` for the inlined
/// calls (binutils' addr2line puts the symbol's name on the innermost of a chain whose leaf
/// has no linkage name, so its chains name one frame twice).
@Suite struct CxxScopesTests {
    /// Every byte of every function of the workload's own code, named by both.
    struct Comparison {
        var outOfLine = 0, outOfLineMatching = 0
        /// Inlined frames binutils names with a linkage name (so with its scope).
        var scopedInlined = 0, scopedInlinedMatching = 0
        /// Inlined frames binutils names by DW_AT_name alone (no scope): ours must be that name with its scope.
        var bareInlined = 0, bareInlinedScoped = 0
        /// Addresses whose inlined chain differs in length from elfutils' (GCC's overlapping
        /// inlined ranges; the chain, not the naming, is what differs): names not compared.
        var depthDifferences = 0
        var mismatches: [String] = []
    }

    static func compare(binary: String) throws -> (Comparison, [[Frame]]) {
        let functions = try BinutilsNames.functions(in: binary).filter {
            $0.name.contains("app::") || $0.name.contains("std::") || $0.name.hasPrefix("main")
        }
        var addresses: [UInt64] = []
        var owners: [BinutilsNames.Function] = []
        for function in functions {
            for address in function.range {
                addresses.append(address)
                owners.append(function)
            }
        }
        let ours = try Symbolizer(cache: ModuleCache()).symbolizeFile(path: binary, addresses: addresses)
        let theirs = try Addr2Line.run(file: binary, addresses: addresses, demangle: true).map { $0.map(\.function) }
        try #require(theirs.count == addresses.count)
        var result = Comparison()
        for index in addresses.indices {
            let chain = ours[index].map(\.function)
            let address = "0x" + String(addresses[index], radix: 16)
            result.outOfLine += 1
            if chain.last == owners[index].unclonedName {
                result.outOfLineMatching += 1
            } else {
                result.mismatches.append("\(address) function \(chain.last ?? "nil") ≠ \(owners[index].unclonedName)")
            }
            let reference = theirs[index]
            guard reference.count == chain.count else {
                result.depthDifferences += 1
                continue
            }
            for (position, name) in reference.enumerated().dropLast() {
                if ShortName.of(name).contains("::") {
                    result.scopedInlined += 1
                    if chain[position] == name { result.scopedInlinedMatching += 1 } else {
                        result.mismatches.append("\(address) inlined \(chain[position]) ≠ \(name)")
                    }
                } else if !name.contains("<"), chain[position] == name {
                    continue // A C function (atol from glibc's headers): no scope to have.
                } else {
                    // No linkage name (a template instantiated with a lambda): the tools print DW_AT_name alone.
                    result.bareInlined += 1
                    let isOurs = chain[position].hasSuffix("::" + name)
                        || functions.contains { $0.unclonedName == chain[position] }
                    if isOurs { result.bareInlinedScoped += 1 } else {
                        result.mismatches.append("\(address) inlined \(chain[position]) has no scope (\(name))")
                    }
                }
            }
        }
        return (result, ours)
    }

    @Test func gccO2NamesMatchBinutilsWithScope() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("scopes")
        try Command.check(["g++", "-O2", "-g", "-o", binary, DebugFixtures.source("cxx_scopes.cpp")])
        let (comparison, ours) = try Self.compare(binary: binary)
        let addressCount = ours.count
        print("""
            cxx_scopes (g++ -O2 -g): out-of-line \(comparison.outOfLineMatching)/\(comparison.outOfLine) = nm -C; \
            inlined \(comparison.scopedInlinedMatching)/\(comparison.scopedInlined) = eu-addr2line -f -i -C; \
            inlined without linkage name given their scope \(comparison.bareInlinedScoped)/\(comparison.bareInlined); \
            chains of another depth than eu-addr2line's \(comparison.depthDifferences)/\(addressCount)
            """)
        #expect(comparison.mismatches.isEmpty, "\(comparison.mismatches.prefix(20))")
        #expect(comparison.depthDifferences * 100 < addressCount, "\(comparison.depthDifferences) chains differ in depth")
        #expect(comparison.outOfLine > 500 && comparison.scopedInlined > 50 && comparison.bareInlined > 10,
                "the workload exercises each shape: \(comparison)")

        let frames = ours.flatMap { $0 }
        // The issue's case: the lambda-instantiated template gets the nm -C name, clone mark kept apart.
        let sortAll = "void app::sort_all<main::{lambda(int, int)#1}>(std::vector<int, std::allocator<int> >&, main::{lambda(int, int)#1})"
        let sortAllFrame = try #require(frames.first { $0.function == sortAll }, "no \(sortAll)")
        #expect(sortAllFrame.forms?.clone == "constprop.0")
        #expect(sortAllFrame.forms?.short == "app::sort_all<…>")
        // std::sort inlined into it, named with std:: (GCC gives it no linkage name).
        #expect(frames.contains { $0.isInlined && $0.function.hasPrefix("std::sort<") }, "\(Set(frames.map(\.function)))")
        #expect(frames.contains { $0.function == "app::scaled(app::detail::Mixer const&, unsigned long, int)"
            && $0.forms?.clone == "constprop.0" })
        #expect(frames.contains { $0.function == "app::detail::Mixer::mix(unsigned long) const" && $0.isInlined })
        // main.cold is main.
        #expect(!frames.contains { $0.function.contains(".cold") || $0.function.contains("[clone") })
    }

    @Test func cloneSuffixesAndVersionsAreMarksNotNames() {
        let clone = SymbolName(stored: "_ZN3app6scaledERKNS_6detail5MixerEmi.constprop.0")
        #expect(clone.readable == "app::scaled(app::detail::Mixer const&, unsigned long, int)")
        #expect(clone.clone == "constprop.0")
        #expect(clone.raw == "_ZN3app6scaledERKNS_6detail5MixerEmi.constprop.0")
        let cold = SymbolName(stored: "hot_path.part.0.cold")
        #expect(cold.readable == "hot_path")
        #expect(cold.clone == "part.0.cold")
        let versioned = SymbolName(stored: "__libc_start_main@@GLIBC_2.34")
        #expect(versioned.raw == "__libc_start_main")
        #expect(versioned.readable == "__libc_start_main")
        #expect(versioned.clone == nil)
        #expect(SymbolName(stored: "main").readable == "main")
    }
}
