import Foundation
import TestSupport
import Testing

/// Every way `record` can be asked to do something impossible ends with a clear
/// message, a non-zero status, and no output file.
@Suite(.serialized)
struct RecordValidationSystemTests {
    struct Outcome {
        let result: CommandResult
        let outputExists: Bool
    }

    func record(_ arguments: [String], prefix: [String] = [], output: String? = nil) throws -> Outcome {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = output ?? directory.file("never.folded")
        let result = try Command.run(prefix + [try FlametopBinary.path, "record", "--output", path] + arguments,
                                     timeout: 60)
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return Outcome(result: result, outputExists: FileManager.default.fileExists(atPath: path) || !leftovers.isEmpty)
    }

    func expectRefused(_ outcome: Outcome, mentioning text: String,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(outcome.result.status != 0, "must fail", sourceLocation: sourceLocation)
        #expect(outcome.result.stderr.contains(text), "stderr should mention \"\(text)\":\n\(outcome.result.stderr)",
                sourceLocation: sourceLocation)
        #expect(!outcome.outputExists, "no (partial) output file on error", sourceLocation: sourceLocation)
    }

    @Test(.needsRoot) func noSuchProcess() throws {
        // A PID above pid_max can never exist.
        let pidMax = (try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8))
            .flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 4_194_304
        expectRefused(try record(["--pid", "\(pidMax + 1)", "--duration", "1"]), mentioning: "no process has PID")
    }

    @Test(.needsRoot) func kernelThreadIsRefused() throws {
        // PID 2 is kthreadd, the parent of all kernel threads.
        expectRefused(try record(["--pid", "2", "--duration", "1"]), mentioning: "kernel thread")
    }

    @Test(arguments: [
        (["--pid", "1", "--frequency", "0"], "between 1 and 1000"),
        (["--pid", "1", "--frequency", "1001"], "between 1 and 1000"),
        (["--pid", "1", "--duration", "0"], "between 1 and 300"),
        (["--pid", "1", "--duration", "301"], "between 1 and 300"),
        ([], "either --pid PID or --all"),
        (["--all", "--pid", "1"], "exclude each other"),
    ])
    func invalidArgumentsAreRefused(arguments: [String], message: String) throws {
        expectRefused(try record(arguments), mentioning: message)
    }

    @Test(.needsRoot) func readOnlyOutputDirectory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let mountPoint = directory.file("ro")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        // Root ignores file modes, so only a read-only mount makes a path really unwritable.
        try Command.check(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "flametop-test", mountPoint])
        defer { _ = try? Command.run(["umount", mountPoint]) }
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }

        let path = mountPoint + "/out.folded"
        let outcome = try record(["--pid", "\(busy.pid)", "--duration", "1"], output: path)
        #expect(outcome.result.status != 0)
        #expect(outcome.result.stderr.contains("read-only"), "\(outcome.result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test(.needsRoot) func withoutCapabilities() throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        // Root minus CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN: what an unprivileged user has.
        let capsh = ["capsh", "--drop=cap_bpf,cap_perfmon,cap_sys_admin", "--"]
        let binary = try FlametopBinary.path
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let output = directory.file("caps.folded")
        let result = try Command.run(capsh + ["-c", "exec \(binary) record --pid \(busy.pid) --duration 1 --output \(output)"],
                                     timeout: 60)
        #expect(result.status != 0)
        #expect(result.stderr.contains("CAP_BPF"), "\(result.stderr)")
        #expect(result.stderr.contains("hint:"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test(.needsRoot) func kernelWithoutBPF() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let launcher = try NoBPFLauncher.build(in: directory)
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let outcome = try record(["--pid", "\(busy.pid)", "--duration", "1"], prefix: [launcher])
        expectRefused(outcome, mentioning: "bpf() system call")
    }
}

/// `flametop doctor` says whether profiling works, and why not.
@Suite(.serialized)
struct DoctorSystemTests {
    @Test(.needsRoot) func healthyHost() throws {
        let result = try Command.run([try FlametopBinary.path, "doctor"], timeout: 30)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for item in ["kernel:", "kernel BTF:", "privileges:", "BPF:", "perf events:", "batch map ops:", "sampler:"] {
            #expect(result.stdout.contains(item), "doctor should report \(item)")
        }
        // This machine (x86-64, 6.x with BTF) runs DWARF mode: the check must say so.
        #expect(result.stdout.contains("[ok  ] DWARF unwinding: the unwind program loads"), "\(result.stdout)")
        #expect(result.stdout.contains("verdict: eBPF profiling works here"))
    }

    @Test(.needsRoot) func withoutCapabilities() throws {
        let result = try Command.run(["capsh", "--drop=cap_bpf,cap_perfmon,cap_sys_admin", "--", "-c",
                                      "exec \(try FlametopBinary.path) doctor"], timeout: 30)
        #expect(result.status == 1)
        #expect(result.stdout.contains("[FAIL] privileges"), "\(result.stdout)")
        #expect(result.stdout.contains("setcap"), "the fix is named")
    }

    @Test(.needsRoot) func withoutBPFSyscall() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try Command.run([try NoBPFLauncher.build(in: directory), try FlametopBinary.path, "doctor"],
                                     timeout: 30)
        #expect(result.status == 1)
        #expect(result.stdout.contains("[FAIL] BPF: no bpf() system call"), "\(result.stdout)")
    }
}
