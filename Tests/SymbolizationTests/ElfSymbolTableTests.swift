import Foundation
import Testing
import TestSupport
@testable import Symbolization

@Suite struct ElfSymbolTableTests {
    @Test func readsSymbolsSegmentsAndBuildID() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let table = try ElfSymbolTable(path: fixtures.nonPIE)
        let alpha = try SymbolFixtures.nmAddress(of: "fixture_alpha", in: fixtures.nonPIE)
        let symbol = try #require(table.symbol(at: alpha + 3))
        #expect(symbol.name == "fixture_alpha")
        #expect(symbol.address == alpha)
        #expect(symbol.size > 3)
        #expect(table.symbol(at: 0x10) == nil)

        // Non-PIE: the text segment maps file offset X to 0x400000 + X.
        let text = try #require(table.segments.first { $0.isExecutable })
        #expect(text.virtualAddress - text.fileOffset == 0x400000)
        #expect(table.virtualAddress(fileOffset: text.fileOffset + 0x10) == text.virtualAddress + 0x10)

        let notes = try Command.check(["readelf", "-n", fixtures.nonPIE]).stdout
        let line = try #require(notes.split(separator: "\n").first { $0.contains("Build ID:") })
        let expected = String(line.split(separator: " ").last ?? "")
        #expect(table.buildIDHex == expected)
    }

    @Test func boundsUnsizedSymbolsByTheNext() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let table = try ElfSymbolTable(path: fixtures.library)
        let unsized = try SymbolFixtures.nmAddress(of: "fixture_asm_unsized", in: fixtures.library)
        let after = try SymbolFixtures.nmAddress(of: "fixture_asm_after", in: fixtures.library)
        #expect(after == unsized + 4, "the assembly has three nops and a ret")
        let symbol = try #require(table.symbol(at: unsized + 3))
        #expect(symbol == .init(name: "fixture_asm_unsized", address: unsized, size: 4))
        #expect(table.symbol(at: after)?.name == "fixture_asm_after")
    }

    @Test func strippedLibraryKeepsDynamicSymbols() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let stripped = try ElfSymbolTable(path: fixtures.strippedLibrary)
        let exported = try SymbolFixtures.nmAddress(of: "stripped_exported", in: fixtures.strippedOriginal)
        let hidden = try SymbolFixtures.nmAddress(of: "stripped_hidden", in: fixtures.strippedOriginal)
        #expect(stripped.symbol(at: exported + 1)?.name == "stripped_exported")
        #expect(stripped.symbol(at: hidden) == nil, "a static function is only in the stripped .symtab")
        #expect(try ElfSymbolTable(path: fixtures.strippedOriginal).symbol(at: hidden)?.name == "stripped_hidden")
    }

    @Test func parsesImagesFromMemory() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixtures.library)))
        let fromMemory = try ElfSymbolTable(image: bytes, name: "libfixture.so")
        let fromFile = try ElfSymbolTable(path: fixtures.library)
        let work = try SymbolFixtures.nmAddress(of: "fixture_lib_work", in: fixtures.library)
        #expect(fromMemory.symbol(at: work) == fromFile.symbol(at: work))
        #expect(fromMemory.symbolCount == fromFile.symbolCount)
        #expect(fromMemory.buildID == fromFile.buildID)
        #expect(fromMemory.segments == fromFile.segments)
    }

    @Test func reportsFilesThatAreNotELF() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write("text", "not an ELF file at all\n")
        #expect(throws: SymbolizationError.self) { try ElfSymbolTable(path: path) }
        #expect(throws: SymbolizationError.cannotOpen(path: directory.file("missing"), errno: ENOENT)) {
            try ElfSymbolTable(path: directory.file("missing"))
        }
        do {
            _ = try ElfSymbolTable(path: path)
        } catch {
            guard case .notELF = error else { Issue.record("expected notELF, got \(error)"); return }
        }
    }

    @Test func refusesReplacedFiles() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: fixtures.library)[.systemFileNumber] as? UInt64)
        #expect(throws: SymbolizationError.fileReplaced(path: fixtures.library, mappedInode: inode + 1, foundInode: inode)) {
            try ElfSymbolTable(path: fixtures.library, expectedInode: inode + 1)
        }
        #expect(try ElfSymbolTable(path: fixtures.library, expectedInode: inode).symbolCount > 0)
    }
}
