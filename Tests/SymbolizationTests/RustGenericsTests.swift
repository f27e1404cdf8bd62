import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// Two instantiations of one Rust generic (v0 mangling keeps the type arguments): full names
/// as `nm -C` gives them, short names that still tell the two apart.
@Suite struct RustGenericsTests {
    @Test(.needsRustc) func instantiationsKeepTheirArgumentsInShortNames() throws {
        let rustc = try #require(RustCompiler.path, "rustc is missing")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let binary = directory.file("rg")
        try Command.check([rustc, "-g", "-C", "opt-level=1", "-C", "symbol-mangling-version=v0",
                           "--crate-name", "rust_generics", "-o", binary, DebugFixtures.source("rust_generics.rs")])
        let pushes = try BinutilsNames.functions(in: binary).filter { $0.name.hasPrefix("<rust_generics::Stack<") && $0.name.hasSuffix(">>::push") }
        try #require(pushes.count == 2, "\(pushes)")
        let symbolizer = Symbolizer(cache: ModuleCache())
        var shorts = Set<String>()
        for push in pushes {
            let frames = try symbolizer.symbolizeFile(path: binary, addresses: [push.range.lowerBound])
            let function = try #require(frames.first?.last)
            #expect(function.function == push.unclonedName)
            shorts.insert(function.forms?.short ?? "")
        }
        #expect(shorts == ["<rust_generics::Stack<u64>>::push", "<rust_generics::Stack<alloc::string::String>>::push"],
                "folded alike, the two would be one row: \(shorts)")
    }
}
