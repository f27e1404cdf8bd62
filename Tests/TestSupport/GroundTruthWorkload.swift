import Foundation

/// C programs whose call trees and CPU split are known, built by the tests so a
/// recording can be checked against the truth.
///
/// Ground truth: `main → run → alpha` (50%), `main → run → dispatch → beta` (30%),
/// `main → run → dispatch → deep → gamma` (20%), by iteration counts of one
/// identical loop body. The hot loops call no libc, and every function keeps a
/// volatile local so it has a frame: GCC 12 gives a leaf that needs no stack slot
/// no frame even with -fno-omit-frame-pointer, and a frame-pointer walk then
/// skips that leaf's caller.
public enum GroundTruthWorkload {
    public static let expectedShares: [String: Double] = ["alpha": 0.5, "beta": 0.3, "gamma": 0.2]
    /// The stacks from `main` down, for each leaf.
    public static let expectedStacks: [String: [String]] = [
        "alpha": ["main", "run", "alpha"],
        "beta": ["main", "run", "dispatch", "beta"],
        "gamma": ["main", "run", "dispatch", "deep", "gamma"],
    ]

    /// The three leaves; in the shared-library variant they live in libgt.so as
    /// `lib_alpha`, `lib_beta`, `lib_gamma`.
    static let leaves = """
        #define UNIT 200000L
        #define LEAF(name) \\
            __attribute__((noinline)) void name(long units) { \\
                volatile long sink = 0; \\
                for (long i = 0; i < units * UNIT; i++) sink += i; \\
            }
        """

    /// Arguments: [seconds] — run that long (0: until killed). On SIGUSR1 it starts
    /// a thread running `late_worker → late_leaf` (threads created after attach).
    /// Prints `ready` once running.
    public static func source(sharedLibrary: Bool) -> String {
        let prefix = sharedLibrary ? "lib_" : ""
        return """
            #include <pthread.h>
            #include <signal.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <time.h>
            \(leaves)
            \(sharedLibrary ? "void lib_alpha(long); void lib_beta(long); void lib_gamma(long);" : "LEAF(alpha)\nLEAF(beta)\nLEAF(gamma)")
            LEAF(late_leaf)

            static volatile sig_atomic_t start_thread;
            static void on_usr1(int sig) { (void)sig; start_thread = 1; }

            __attribute__((noinline)) void deep(long units) { volatile int frame = 0; (void)frame; \(prefix)gamma(units); }
            __attribute__((noinline)) void dispatch(int which, long units) {
                volatile int frame = 0; (void)frame;
                if (which == 1) \(prefix)beta(units); else deep(units);
            }
            __attribute__((noinline)) void *late_worker(void *arg) {
                volatile int frame = 0; (void)frame; (void)arg;
                for (;;) late_leaf(1);
                return 0;
            }
            __attribute__((noinline)) void run(double seconds) {
                volatile int frame = 0; (void)frame;
                struct timespec start, now;
                clock_gettime(CLOCK_MONOTONIC, &start);
                pthread_t thread;
                for (;;) {
                    \(prefix)alpha(5);
                    dispatch(1, 3);
                    dispatch(2, 2);
                    if (start_thread) { start_thread = 0; pthread_create(&thread, 0, late_worker, 0); }
                    clock_gettime(CLOCK_MONOTONIC, &now);
                    if (seconds > 0 && (now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9 >= seconds) return;
                }
            }
            int main(int argc, char **argv) {
                signal(SIGUSR1, on_usr1);
                printf("ready\\n");
                fflush(stdout);
                run(argc > 1 ? atof(argv[1]) : 0);
                return 0;
            }
            """
    }

    public static let librarySource = leaves + "\nLEAF(lib_alpha)\nLEAF(lib_beta)\nLEAF(lib_gamma)\n"

    /// Builds the frame-pointer workload; returns the executable's path.
    /// `pie: false` gives a position-dependent executable with the leaves inside;
    /// `pie: true` gives a PIE that calls the leaves in `libgt.so`.
    public static func build(in directory: TemporaryDirectory, pie: Bool) throws -> String {
        let flags = ["-O1", "-g", "-fno-omit-frame-pointer", "-fno-inline", "-pthread"]
        if pie {
            let library = directory.file("libgt.so")
            let librarySourcePath = try directory.write("libgt.c", librarySource)
            try Command.check(["gcc"] + flags + ["-shared", "-fPIC", "-o", library, librarySourcePath])
            return try CCompiler.build(source: source(sharedLibrary: true), in: directory, name: "gt-pie",
                                       flags: flags + ["-fPIE", "-pie"],
                                       linkFlags: ["-L", directory.path, "-lgt", "-Wl,-rpath,\(directory.path)"])
        }
        return try CCompiler.build(source: source(sharedLibrary: false), in: directory, name: "gt-nopie",
                                   flags: flags + ["-no-pie"])
    }

    /// A workload that spends its time in the kernel: read(2) from /dev/zero.
    public static let syscallSource = """
        #include <fcntl.h>
        #include <stdio.h>
        #include <unistd.h>
        static char buffer[1 << 20];
        __attribute__((noinline)) void read_zeros(int fd) {
            volatile int frame = 0; (void)frame;
            for (int i = 0; i < 64; i++) if (read(fd, buffer, sizeof buffer) < 0) return;
        }
        int main(void) {
            int fd = open("/dev/zero", O_RDONLY);
            printf("ready\\n");
            fflush(stdout);
            for (;;) read_zeros(fd);
        }
        """

    public static func buildSyscallWorkload(in directory: TemporaryDirectory) throws -> String {
        try CCompiler.build(source: syscallSource, in: directory, name: "gt-syscall",
                            flags: ["-O1", "-g", "-fno-omit-frame-pointer"])
    }
}
