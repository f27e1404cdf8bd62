import Foundation
import Testing
import TestSupport
@testable import Symbolization

/// A file whose symbol names run past `ElfReader.maximumCopiedNameBytes` keeps them in the
/// file: the table holds offsets, not the names, and still names every function as `nm`
/// does — also once the file is deleted, as a replaced binary's would be.
@Suite struct LargeSymbolTableTests {
    /// 3,000 functions with 1,000-byte names: 3 MB of names.
    static let functionCount = 3_000

    static func name(_ number: Int) -> String {
        "function_\(number)_" + String(repeating: "x", count: 1_000 - "function_\(number)_".count)
    }

    static func build(in directory: TemporaryDirectory) throws -> String {
        var source = "int sink;\n"
        for number in 0..<functionCount {
            source += "__attribute__((noinline)) void \(name(number))(void) { sink += \(number); }\n"
        }
        source += "int main(void) { return sink; }\n"
        return try CCompiler.build(source: source, in: directory, name: "long-names", flags: ["-O1", "-g0"])
    }

    @Test func namesStayInTheFileAndStillResolve() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try Self.build(in: directory)
        let functions = try BinutilsNames.functions(in: path).filter { $0.name.hasPrefix("function_") }
        #expect(functions.count == Self.functionCount, "nm lists every generated function")

        let table = try ElfSymbolTable(path: path)
        #expect(table.keepsNamesInFile)
        let namesBytes = Self.functionCount * 1_000
        #expect(table.byteCount < namesBytes / 10,
                "the table holds \(table.byteCount) bytes for \(namesBytes) bytes of names")

        // Deleted from disk, the file stays readable through the table's descriptor.
        try FileManager.default.removeItem(atPath: path)
        for function in functions.prefix(200) + functions.suffix(200) {
            let symbol = try #require(table.symbol(at: function.range.lowerBound))
            #expect(symbol.name == function.name)
            #expect(symbol.address == function.range.lowerBound)
        }
        #expect(table.functionNames.filter { $0.hasPrefix("function_") }.count == Self.functionCount)
    }

    @Test func smallTablesCopyTheirNames() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let table = try ElfSymbolTable(path: fixtures.nonPIE)
        #expect(!table.keepsNamesInFile)
        #expect(table.symbolCount > 0)
    }
}
