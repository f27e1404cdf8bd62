import Foundation
import Profile
import Testing
import TestSupport
@testable import Symbolization

// Each test passes its own ModuleCache: fixtures built from one source share a build-id, so
// the shared cache would make "files are read once" counts depend on test order.

@Suite struct SymbolizerTests {
    @Test func resolvesLiveProcessAndKeepsNamesAfterExit() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.pie])
        let alpha = try fixture.address("alpha")
        let beta = try fixture.address("beta")
        let libWork = try fixture.address("lib_work")
        let libReturn = try fixture.address("lib_return")
        let addresses = [alpha, alpha + 4, beta, libWork, libReturn, 0x10]
        let expected = [
            Frame(function: "fixture_alpha", module: "fixture_pie"),
            Frame(function: "fixture_alpha", module: "fixture_pie"),
            Frame(function: "fixture_beta", module: "fixture_pie"),
            Frame(function: "fixture_lib_work", module: "libfixture.so"),
            Frame(function: "fixture_lib_return_address", module: "libfixture.so"),
            Frame(function: "[unknown]", module: nil),
        ]
        let symbolizer = Symbolizer(cache: ModuleCache())
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: addresses) == expected)
        #expect(symbolizer.statistics.resolvedFrames == 5)
        #expect(symbolizer.statistics.unresolvedFrames(.unmapped) == 1)
        #expect(symbolizer.statistics.modulesLoaded == 2)

        try fixture.killAndReap()
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: addresses) == expected)
        // Never seen before, but the maps and symbol tables are cached.
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [beta + 2, libWork + 1]) ==
                [Frame(function: "fixture_beta", module: "fixture_pie"),
                 Frame(function: "fixture_lib_work", module: "libfixture.so")])
        #expect(symbolizer.statistics.modulesLoaded == 2, "files are read once")

        symbolizer.forget(pid: fixture.pid)
        let unknown = symbolizer.symbolizeUser(pid: fixture.pid, addresses: [alpha])
        #expect(unknown == [Frame(function: "[unknown]", module: nil)], "named as perf names it")
        #expect(unknown.first?.address == alpha, "the frame keeps its address (pprof)")
    }

    @Test func preparedProcessResolvesAfterItExits() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.nonPIE])
        let alpha = try fixture.address("alpha")
        let vdsoClock = try fixture.address("vdso_clock_gettime")
        let symbolizer = Symbolizer(cache: ModuleCache())
        symbolizer.prepare(pid: fixture.pid)
        try fixture.killAndReap()
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [alpha + 1, vdsoClock]) == [
            Frame(function: "fixture_alpha", module: "fixture_nopie"),
            Frame(function: "__vdso_clock_gettime", module: "[vdso]"),
        ])
    }

    @Test func resolvesTheVdsoOfThisProcess() throws {
        let handle = try #require(dlopen("linux-vdso.so.1", RTLD_LAZY | RTLD_NOLOAD), "glibc names the vdso linux-vdso.so.1")
        let function = try #require(dlsym(handle, "__vdso_clock_gettime"))
        let address = UInt64(UInt(bitPattern: function))
        let symbolizer = Symbolizer(cache: ModuleCache())
        #expect(symbolizer.symbolizeUser(pid: getpid(), addresses: [address, address + 1]) ==
                Array(repeating: Frame(function: "__vdso_clock_gettime", module: "[vdso]"), count: 2))
    }

    @Test func rereadsMapsForCodeLoadedLater() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.pie, fixtures.strippedLibrary])
        let symbolizer = Symbolizer(mapsRefreshInterval: .zero, cache: ModuleCache())
        symbolizer.prepare(pid: fixture.pid)
        try fixture.loadLibrary()
        let exported = try fixture.address("stripped_exported")
        let hidden = try fixture.address("stripped_hidden")
        let hiddenAddress = try SymbolFixtures.nmAddress(of: "stripped_hidden", in: fixtures.strippedOriginal)
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [hidden, exported]) == [
            // Stripped of .symtab, the static function has no name: module + ELF address (as addr2line
            // takes it) of its start, and the offset inside it (0: the test asks for the start).
            Frame(function: "libstripped.so+0x\(String(hiddenAddress, radix: 16))", module: "libstripped.so",
                  offsetInFunction: 0),
            Frame(function: "stripped_exported", module: "libstripped.so"),
        ])
        #expect(symbolizer.statistics.mapsReads == 2)
        #expect(symbolizer.statistics.unresolvedFrames(.noDebugInfo) == 1, "stripped, and no debug file")
    }

    @Test func rateLimitsMapsRereads() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.pie, fixtures.strippedLibrary])
        let symbolizer = Symbolizer(mapsRefreshInterval: .seconds(3600), cache: ModuleCache())
        symbolizer.prepare(pid: fixture.pid)
        try fixture.loadLibrary()
        let exported = try fixture.address("stripped_exported")
        for _ in 0..<100 {
            _ = symbolizer.symbolizeUser(pid: fixture.pid, addresses: [exported, exported + 1])
        }
        #expect(symbolizer.statistics.mapsReads == 1, "maps were read within the interval")
        #expect(symbolizer.statistics.unresolvedFrames(.unmapped) == 200)
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [exported]) ==
                [Frame(function: "[unknown]", module: nil)])
    }

    @Test(.needsRoot) func resolvesDeletedBinaryThroughMapFiles() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let copy = fixtures.directory.file("deleted_copy")
        try FileManager.default.copyItem(atPath: fixtures.nonPIE, toPath: copy)
        let fixture = try FixtureProcess([copy])
        let alpha = try fixture.address("alpha")
        try FileManager.default.removeItem(atPath: copy)
        let maps = try ProcessMaps.read(pid: fixture.pid)
        #expect(maps.mapping(containing: alpha)?.backing == .deletedFile(path: copy))
        let symbolizer = Symbolizer(cache: ModuleCache())
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [alpha]) ==
                [Frame(function: "fixture_alpha", module: "deleted_copy")])
    }

    @Test func namesAnonymousCodeByAbsoluteAddress() throws {
        // An executable anonymous mapping of our own, as a JIT would make.
        let size = 4096
        let memory = try #require(mmap(nil, size, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        #expect(memory != MAP_FAILED)
        defer { munmap(memory, size) }
        let address = UInt64(UInt(bitPattern: memory)) + 0x10
        let symbolizer = Symbolizer(cache: ModuleCache())
        let frames = symbolizer.symbolizeUser(pid: getpid(), addresses: [address])
        #expect(frames == [Frame(function: "[anon]+0x\(String(address, radix: 16))", module: "[anon]")])
        #expect(symbolizer.statistics.unresolvedFrames(.noSymbols) == 1)
    }

    @Test func unreadableFilesFallBackToFileOffsets() throws {
        let maps = try ProcessMaps(parsing: """
            7f0000000000-7f0000001000 r-xp 00003000 00:00 99999999 /nonexistent/libgone.so

            """)
        let mapping = maps.mappings[0]
        let module = ModuleSymbols(name: mapping.moduleName, symbols: .failure(.cannotOpen(path: "/nonexistent/libgone.so", errno: ENOENT)))
        let lookup = module.resolve(fileOffset: mapping.fileOffset(of: 0x7f00_0000_0123))
        #expect(lookup.frames.isEmpty)
        #expect(lookup.unresolved?.reason == .unreadableFile)
        #expect(lookup.unresolved?.offset == 0x3123, "the file offset: no program headers tell the ELF address")
    }
}
