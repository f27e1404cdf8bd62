import Foundation
import TestSupport

/// Real ELF fixtures built with gcc into a temporary directory: a PIE linked against a
/// shared library, the same program without PIE, and a library stripped of .symtab that
/// the PIE can dlopen on SIGUSR1.
struct SymbolFixtures {
    let directory: TemporaryDirectory
    let pie: String
    let nonPIE: String
    let library: String
    /// Stripped copy; `strippedOriginal` keeps .symtab to learn where its static function lies.
    let strippedLibrary: String
    let strippedOriginal: String

    static let flags = ["-O1", "-fno-omit-frame-pointer", "-fno-optimize-sibling-calls"]

    static let librarySource = """
        __attribute__((noinline)) void *fixture_lib_probe(void) { return __builtin_return_address(0); }
        __attribute__((noinline)) void *fixture_lib_return_address(void) {
            void *where = fixture_lib_probe();
            __asm__ volatile("" ::: "memory");
            return where;
        }
        __attribute__((noinline)) int fixture_lib_work(int x) { volatile int v = x; return v + 7; }
        /* A symbol without .size, as hand-written assembly often has: it must reach to the next symbol. */
        __asm__(".text\\n.globl fixture_asm_unsized\\n.type fixture_asm_unsized,@function\\n"
                "fixture_asm_unsized:\\n nop\\n nop\\n nop\\n ret\\n"
                ".globl fixture_asm_after\\n.type fixture_asm_after,@function\\n"
                "fixture_asm_after:\\n ret\\n.size fixture_asm_after, 1\\n");
        """

    static let strippedSource = """
        static __attribute__((noinline)) int stripped_hidden(int x) { volatile int v = x; return v * 5; }
        __attribute__((noinline)) int stripped_exported(int x) { volatile int v = x; return stripped_hidden(v) + 1; }
        void *stripped_hidden_address(void) { return (void *)&stripped_hidden; }
        """

    /// Prints `name=ADDRESS` lines, then `ready`; with a library path argument it waits for
    /// SIGUSR1, dlopens it, prints its addresses and `loaded`. Then it sleeps until killed.
    static let programSource = """
        #include <dlfcn.h>
        #include <signal.h>
        #include <stdio.h>
        #include <unistd.h>
        #ifdef WITH_LIB
        extern void *fixture_lib_return_address(void);
        extern int fixture_lib_work(int);
        #endif
        __attribute__((noinline)) int fixture_alpha(int x) { volatile int v = x; return v * 3 + 1; }
        __attribute__((noinline)) int fixture_beta(int x) { volatile int v = x; return fixture_alpha(v) + 2; }
        int main(int argc, char **argv) {
            sigset_t set;
            sigemptyset(&set);
            sigaddset(&set, SIGUSR1);
            sigprocmask(SIG_BLOCK, &set, NULL);
            printf("alpha=%p\\nbeta=%p\\n", (void *)&fixture_alpha, (void *)&fixture_beta);
        #ifdef WITH_LIB
            printf("lib_work=%p\\nlib_return=%p\\n", (void *)&fixture_lib_work, fixture_lib_return_address());
        #endif
            void *vdso = dlopen("linux-vdso.so.1", RTLD_LAZY | RTLD_NOLOAD);
            printf("vdso_clock_gettime=%p\\n", vdso ? dlsym(vdso, "__vdso_clock_gettime") : NULL);
            printf("ready\\n");
            fflush(stdout);
            if (argc > 1) {
                int received;
                sigwait(&set, &received);
                void *handle = dlopen(argv[1], RTLD_NOW);
                if (!handle) { fprintf(stderr, "dlopen: %s\\n", dlerror()); return 1; }
                void *(*hidden)(void) = (void *(*)(void))dlsym(handle, "stripped_hidden_address");
                printf("stripped_exported=%p\\nstripped_hidden=%p\\nloaded\\n",
                       dlsym(handle, "stripped_exported"), hidden());
                fflush(stdout);
            }
            for (;;) pause();
        }
        """

    init() throws {
        directory = try TemporaryDirectory(prefix: "flametop-symbols")
        do {
            let flags = Self.flags
            library = try CCompiler.build(source: Self.librarySource, in: directory, name: "libfixture.so",
                                          flags: flags + ["-shared", "-fPIC"])
            strippedOriginal = try CCompiler.build(source: Self.strippedSource, in: directory, name: "libstripped-full.so",
                                                   flags: flags + ["-shared", "-fPIC"])
            strippedLibrary = directory.file("libstripped.so")
            try Command.check(["strip", "-o", strippedLibrary, strippedOriginal])
            pie = try CCompiler.build(source: Self.programSource, in: directory, name: "fixture_pie",
                                      flags: flags + ["-fPIE", "-pie", "-DWITH_LIB", "-L", directory.path,
                                                      "-Wl,-rpath,\(directory.path)", "-Wl,--no-as-needed",
                                                      "-lfixture", "-ldl"])
            nonPIE = try CCompiler.build(source: Self.programSource, in: directory, name: "fixture_nopie",
                                         flags: flags + ["-fno-pie", "-no-pie", "-ldl"])
        } catch {
            directory.remove()
            throw error
        }
    }

    func remove() { directory.remove() }

    /// The value `nm` gives a symbol: its ELF virtual address.
    static func nmAddress(of symbol: String, in file: String) throws -> UInt64 {
        let output = try Command.check(["nm", file]).stdout
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 3, fields[2] == symbol, let value = UInt64(fields[0], radix: 16) { return value }
        }
        throw TestFailure("nm \(file) lists no \(symbol)")
    }
}

/// A fixture process and the addresses it printed.
final class FixtureProcess {
    let process: RunningProcess
    var pid: Int32 { process.pid }

    init(_ arguments: [String]) throws {
        process = try RunningProcess(arguments)
        guard process.waitForOutput("ready\n", inStderr: false, timeout: 20) else {
            throw TestFailure("\(arguments[0]) never printed ready; stdout: \(process.stdout) stderr: \(process.stderr)")
        }
    }

    /// The address printed as `name=0x…`.
    func address(_ name: String) throws -> UInt64 {
        for line in process.stdout.split(separator: "\n") where line.hasPrefix("\(name)=0x") {
            if let value = UInt64(line.dropFirst(name.count + 3), radix: 16) { return value }
        }
        throw TestFailure("no address for \(name) in: \(process.stdout)")
    }

    /// Sends SIGUSR1 (dlopen the library) and waits for `loaded`.
    func loadLibrary() throws {
        process.signal(SIGUSR1)
        guard process.waitForOutput("loaded\n", inStderr: false, timeout: 20) else {
            throw TestFailure("fixture never printed loaded; stderr: \(process.stderr)")
        }
    }

    /// Kills the process and waits until /proc no longer lists it.
    func killAndReap() throws {
        process.terminate()
        let pid = self.pid
        guard Wait.until(timeout: 10, { access("/proc/\(pid)", F_OK) != 0 }) else {
            throw TestFailure("/proc/\(pid) still exists after SIGKILL")
        }
    }
}
