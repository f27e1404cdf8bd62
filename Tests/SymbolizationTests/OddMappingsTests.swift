import Foundation
import Profile
import Testing
import TestSupport
import Synchronization
@testable import Symbolization

/// Code without a plain file behind it: JIT code named by perf maps, memfd and anonymous
/// mappings, kernel modules; and the caches around them.
@Suite struct OddMappingsTests {
    /// Anonymous executable memory of this process, as a JIT would map it.
    private static func executableMemory(size: Int = 4096) throws -> UnsafeMutableRawPointer {
        let memory = try #require(mmap(nil, size, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0))
        try #require(memory != MAP_FAILED)
        return memory
    }

    @Test func perfMapNamesJITCodeAndIsReReadWhenItGrows() throws {
        let memory = try Self.executableMemory()
        defer { munmap(memory, 4096) }
        let base = UInt64(UInt(bitPattern: memory))
        let path = "/tmp/perf-\(getpid()).map"
        try "\(String(base, radix: 16)) 40 LazyCompile:*hotLoop app.js:12\n".write(toFile: path, atomically: false, encoding: .utf8)
        defer { unlink(path) }
        let symbolizer = Symbolizer(mapsRefreshInterval: .zero, cache: ModuleCache())
        #expect(symbolizer.symbolizeUser(pid: getpid(), addresses: [base + 0x10]) ==
                [Frame(function: "LazyCompile:*hotLoop app.js:12", module: "[anon]")])
        // Not yet compiled: an address-based name, not memoised.
        #expect(symbolizer.symbolizeUser(pid: getpid(), addresses: [base + 0x100]) ==
                [Frame(function: "[anon]+0x\(String(base + 0x100, radix: 16))", module: "[anon]")])
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.seekToEndOfFile()
        handle.write("0x\(String(base + 0x100, radix: 16)) 0x20 Function:coldPath\n".data(using: .utf8)!)
        try handle.close()
        #expect(symbolizer.symbolizeUser(pid: getpid(), addresses: [base + 0x104]) ==
                [Frame(function: "Function:coldPath", module: "[anon]")])
        #expect(symbolizer.statistics.unresolvedByModule().first?.hint.contains("perf-PID.map") == true)
    }

    @Test func perfMapParsing() {
        let map = PerfMap(parsing: Array("""
            7f0000001000 20 first one
            0x7f0000001020 0x10 second
            garbage line
            7f0000002000 10 unterminated
            """.utf8))
        #expect(map.count == 2, "the unterminated last line is still being written")
        #expect(map.name(at: 0x7f00_0000_101f) == "first one")
        #expect(map.name(at: 0x7f00_0000_1025) == "second")
        #expect(map.name(at: 0x7f00_0000_1030) == nil)
    }

    @Test func memfdCodeIsNamedByItsMemfd() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let program = try CCompiler.build(source: """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <sys/mman.h>
            #include <unistd.h>
            int main(void) {
                int fd = memfd_create("jitcode", 0);
                if (fd < 0 || ftruncate(fd, 4096) != 0) return 1;
                void *code = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
                if (code == MAP_FAILED) return 1;
                printf("code=%p\\nready\\n", code);
                fflush(stdout);
                for (;;) pause();
            }
            """, in: directory, name: "memfd_jit")
        let fixture = try FixtureProcess([program])
        let address = try fixture.address("code") + 8
        let symbolizer = Symbolizer(cache: ModuleCache())
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [address]) ==
                [Frame(function: "[memfd:jitcode]+0x\(String(address, radix: 16))", module: "[memfd:jitcode]")])
        #expect(symbolizer.statistics.modules["[memfd:jitcode]"]?.unresolved(.noSymbols) == 1)
    }

    /// This kernel has no modules: a saved kallsyms text with `[module]` columns stands in.
    @Test func kernelModuleFramesNameTheirModule() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let kallsyms = try directory.write("kallsyms", """
            ffffffff81000000 T _stext
            ffffffff81000100 T vfs_read
            ffffffff81000200 T vfs_write
            ffffffffc0001000 t nft_do_chain\t[nf_tables]
            ffffffffc0001400 t nft_lookup_eval\t[nf_tables]
            ffffffffc0002000 t e1000_clean\t[e1000]
            ffffffffc0003000 t finish_task_switch.isra.0

            """)
        let symbolizer = Symbolizer(kallsymsPath: kallsyms, cache: ModuleCache())
        #expect(symbolizer.symbolizeKernel(addresses: [0xffff_ffff_c000_1010, 0xffff_ffff_8100_0104, 0xffff_ffff_c000_2001]) == [
            Frame(function: "nft_do_chain", module: "[nf_tables]", kind: .kernel),
            Frame(function: "vfs_read", module: "[kernel]", kind: .kernel),
            Frame(function: "e1000_clean", module: "[e1000]", kind: .kernel),
        ])
        // A GCC clone is its function, with the clone as a mark (and the stored name for pprof).
        let clone = try #require(symbolizer.symbolizeKernel(addresses: [0xffff_ffff_c000_3004]).first)
        #expect(clone.function == "finish_task_switch")
        #expect(clone.forms?.clone == "isra.0")
        #expect(clone.forms?.systemName == "finish_task_switch.isra.0")
    }

    @Test func modulesAreSharedBetweenSymbolizers() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.pie])
        let alpha = try fixture.address("alpha")
        let cache = ModuleCache()
        let first = Symbolizer(cache: cache)
        let second = Symbolizer(cache: cache)
        #expect(first.symbolizeUser(pid: fixture.pid, addresses: [alpha]) == second.symbolizeUser(pid: fixture.pid, addresses: [alpha]))
        #expect(first.statistics.modulesLoaded == 1)
        #expect(second.statistics.modulesLoaded == 0, "the second session reuses the first one's module")
        #expect(cache.count == 1)
    }

    @Test func exitedProcessesAreEvictedAtTheSecondSweep() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.nonPIE])
        let symbolizer = Symbolizer(cache: ModuleCache())
        symbolizer.prepare(pid: fixture.pid)
        symbolizer.sweepExitedProcesses()
        #expect(symbolizer.trackedProcesses == 1, "alive")
        try fixture.killAndReap()
        symbolizer.sweepExitedProcesses()
        #expect(symbolizer.trackedProcesses == 1, "kept for one more sweep: its stacks may still be drained")
        symbolizer.sweepExitedProcesses()
        #expect(symbolizer.trackedProcesses == 0)
    }

    /// Once every process mapping a file is swept away, the symbolizer and the shared cache
    /// drop its module, and the budget gets back what the module was charged.
    @Test func modulesOfExitedProcessesAreDroppedAndGiveBackTheirBudget() throws {
        let fixtures = try SymbolFixtures()
        defer { fixtures.remove() }
        let fixture = try FixtureProcess([fixtures.pie])
        let alpha = try fixture.address("alpha")
        let cache = ModuleCache()
        let budget = MemoryBudget()
        let symbolizer = Symbolizer(cache: cache)
        symbolizer.memoryBudget = budget
        #expect(symbolizer.symbolizeUser(pid: fixture.pid, addresses: [alpha]).first?.function == "fixture_alpha")
        let modules = cache.count
        #expect(modules >= 1)
        #expect(budget.usage(.symbolizer).bytes > 0, "the fixture's symbol table and DWARF are charged")

        try fixture.killAndReap()
        symbolizer.sweepExitedProcesses()
        #expect(cache.count == modules, "kept for one more sweep: its stacks may still be drained")
        symbolizer.sweepExitedProcesses()
        #expect(cache.count == 0)
        #expect(budget.usage(.symbolizer).bytes == 0, "every charge was given back")
    }
}

@Suite struct StatisticsFeedTests {
    /// Another thread reads a published copy: the TUI's status line while the drain thread works.
    @Test func unresolvedShareReachesOtherThreads() {
        let symbolizer = Symbolizer(cache: ModuleCache())
        _ = symbolizer.symbolizeUser(pid: getpid(), addresses: [0x10, 0x20])
        symbolizer.publishStatistics()
        let feed = symbolizer.statisticsFeed
        let report = Thread.detachNewThreadAndWait { feed.statistics.unresolvedByModule() }
        #expect(report == [UnresolvedModule(module: "[unknown]", frames: 2, unresolved: 2, reason: .unmapped,
                                            hint: UnresolvedReason.unmapped.hint(module: "[unknown]"))])
        #expect(report.first?.description.hasPrefix("[unknown]: 100% of 2 frames unresolved (unmapped): addresses in no mapping") == true)
        // No mapping, so no JIT code: no perf map to suggest.
        #expect(report.first?.hint.contains("perf-PID.map") == false)
    }
}

extension Thread {
    /// Runs `body` on a new thread and waits for its result.
    static func detachNewThreadAndWait<T: Sendable>(_ body: @escaping @Sendable () -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let value = body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }
}
