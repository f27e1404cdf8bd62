import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// C++, Rust (legacy and v0) and Swift names come back readable, from DWARF and from
/// ELF symbols alike, and as stored with `demangle: false`.
@Suite struct DemanglingTests {
    @Test func demanglerKnowsEachScheme() {
        #expect(Demangler.demangle("_ZNK6shapes6Circle4areaEm") == "shapes::Circle::area(unsigned long) const")
        #expect(Demangler.demangle("_ZN4demo8geometry4spin17h0123456789abcdefE") == "demo::geometry::spin")
        #expect(Demangler.demangle("_RNvNtCs1234_4demo8geometry4spin") == "demo::geometry::spin")
        #expect(Demangler.demangle("$s4demo9swiftSpinyS2iF") == "demo.swiftSpin(Swift.Int) -> Swift.Int")
        #expect(Demangler.demangle("main") == nil)
        #expect(Demangler.demangle("_Znot a name") == nil)
    }

    @Test func cxxMemberFunctionAndInlinedTemplate() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("shapes")
        try Command.check(["g++", "-O2", "-g", "-fno-omit-frame-pointer", "-o", binary, DebugFixtures.source("cxx_shapes.cpp")])
        // GCC may clone it (`.isra.0`); DWARF still names the source function.
        let area = try DebugFixtures.functionRange("_ZNK6shapes6Circle4areaEm", in: binary, prefix: true)
        let chains = try Symbolizer(cache: ModuleCache()).symbolizeFile(path: binary, addresses: Array(area))
        #expect(chains.allSatisfy { $0.last?.function == "shapes::Circle::area(unsigned long) const" }, "\(chains)")
        let inlined = chains.first { $0.count == 2 }
        #expect(inlined?.first?.function == "shapes::Accumulator<int>::add(int)")
        #expect(inlined?.first?.line == (try DebugFixtures.line(of: "cxx_add", in: "cxx_shapes.cpp")))
        #expect(inlined?.last?.line == (try DebugFixtures.line(of: "cxx_call", in: "cxx_shapes.cpp")))

        let raw = try Symbolizer(options: SymbolizerOptions(demangle: false), cache: ModuleCache())
            .symbolizeFile(path: binary, addresses: [area.lowerBound])
        #expect(raw.first?.last?.function == "_ZNK6shapes6Circle4areaEm")
    }

    @Test(.needsRustc, arguments: ["legacy", "v0"])
    func rustNames(scheme: String) throws {
        let rustc = try #require(RustCompiler.path, "rustc is missing")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("demo")
        // Legacy is stable rustc's default (naming it needs -Z unstable-options).
        try Command.check([rustc, "-g", "-C", "opt-level=1"] + (scheme == "v0" ? ["-C", "symbol-mangling-version=v0"] : [])
                          + ["--crate-name", "demo", "-o", binary, DebugFixtures.source("rust_demo.rs")])
        let symbol = try #require(try Command.check(["nm", binary]).stdout.split(separator: "\n")
            .compactMap { $0.split(separator: " ").last.map(String.init) }
            .first { $0.contains("8geometry4spin") }, "no geometry::spin symbol")
        #expect(symbol.hasPrefix(scheme == "v0" ? "_R" : "_ZN"))
        let address = try DebugFixtures.functionRange(symbol, in: binary).lowerBound
        for debugInfo in [true, false] {
            let file = debugInfo ? binary : directory.file("demo-stripped")
            if !debugInfo { try Command.check(["strip", "--strip-debug", "-o", file, binary]) }
            let frames = try Symbolizer(cache: ModuleCache()).symbolizeFile(path: file, addresses: [address])
            #expect(frames.first?.last?.function == "demo::geometry::spin", "debug info \(debugInfo): \(frames)")
        }
    }

    @Test func swiftNames() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("swiftdemo")
        try Command.check(["swiftc", "-g", "-Onone", "-module-name", "demo", "-o", binary,
                           DebugFixtures.source("swift_demo.swift")])
        let address = try DebugFixtures.functionRange("$s4demo9swiftSpinyS2iF", in: binary).lowerBound
        let frames = try Symbolizer(cache: ModuleCache()).symbolizeFile(path: binary, addresses: [address + 4])
        #expect(frames.first?.last?.function == "demo.swiftSpin(Swift.Int) -> Swift.Int", "\(frames)")
        #expect(frames.first?.last?.sourceFile == DebugFixtures.source("swift_demo.swift"))
    }
}
