import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

/// A module decides its short names from all its template symbols however many it has: a
/// binary with 3,000 instantiations of one template (past the 2,000 after which every name
/// used to fold) still tells `serialize<7>` from `serialize<8>` on screen.
@Suite struct ShortNamesAtScaleTests {
    static let instantiations = 3_000

    @Test func moreThanTwoThousandInstantiationsStayApart() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var source = """
            namespace app {
            template <int N> __attribute__((noinline)) int serialize(int x) { return x * N + N; }
            template <typename T> __attribute__((noinline)) T alone(T x) { return x + 1; }
            }
            int main(int argc, char**) {
              int sum = app::alone<int>(argc);

            """
        for value in 0..<Self.instantiations { source += "  sum += app::serialize<\(value)>(argc);\n" }
        source += "  return sum;\n}\n"
        let file = directory.file("many.cpp")
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let binary = directory.file("many")
        try Command.check(["g++", "-O1", "-o", binary, file])

        let functions = try BinutilsNames.functions(in: binary).filter { $0.name.hasPrefix("int app::serialize<") }
        try #require(functions.count == Self.instantiations, "g++ kept every instantiation")
        let alone = try #require(try BinutilsNames.functions(in: binary).first { $0.name.hasPrefix("int app::alone<") })
        let frames = try Symbolizer(cache: ModuleCache())
            .symbolizeFile(path: binary, addresses: functions.map(\.range.lowerBound) + [alone.range.lowerBound])
            .map { $0.last }
        var shorts = Set<String>()
        for (function, frame) in zip(functions, frames) {
            let value = function.name.dropFirst("int app::serialize<".count).prefix { $0 != ">" }
            #expect(frame?.forms?.short == "app::serialize<\(value)>", "\(function.name)")
            shorts.insert(frame?.forms?.short ?? "")
        }
        #expect(shorts.count == Self.instantiations)
        #expect(frames.last??.forms?.short == "app::alone<…>", "a template that meets no other still folds")
    }
}
