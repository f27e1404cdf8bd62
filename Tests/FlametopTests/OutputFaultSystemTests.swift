import Foundation
import TestSupport
import Testing

/// No profile is lost to its output (issue 14): an unusable path is refused before sampling,
/// a write failure at the end sends the profile to the autosave directory, and a killed run
/// leaves no hidden temporary file behind.
@Suite(.serialized)
struct OutputFaultSystemTests {
    /// A tmpfs of `size` mounted in `directory`, unmounted by `unmount()`.
    struct SmallDisk {
        let path: String

        init(in directory: TemporaryDirectory, size: String) throws {
            path = directory.file("disk")
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            try Command.check(["mount", "-t", "tmpfs", "-o", "size=\(size)", "flametop-test", path])
        }

        /// Writes zeros until the disk is full.
        func fill() throws {
            _ = try Command.run(["dd", "if=/dev/zero", "of=\(path)/filler", "bs=4k"], timeout: 30)
        }

        func unmount() { _ = try? Command.run(["umount", path]) }
    }

    func record(_ arguments: [String], state: TemporaryDirectory, busy: RunningProcess) throws -> RunningProcess {
        try RunningProcess([try FlametopBinary.path, "record", "--pid", "\(busy.pid)"] + arguments,
                           environment: ["XDG_STATE_HOME": state.path, "SWIFT_BACKTRACE": "enable=no"])
    }

    static let refusals: [([String], String)] = [
        (["--output", ""], "the output path is empty"),
        (["--output", "/proc/flametop-test.folded"], "/proc exists, but it is on a kernel file system (proc)"),
        (["--output", "/nonexistent-flametop-dir/out.folded"], "the directory does not exist"),
    ]

    @Test(.needsRoot, arguments: refusals)
    func unusablePathsAreRefusedBeforeSampling(arguments: [String], message: String) throws {
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let result = try record(arguments + ["--duration", "30"], state: state, busy: busy).wait(timeout: 20)
        #expect(!result.timedOut, "refused at once, not after sampling 30 s")
        #expect(result.status != 0)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!result.stderr.contains("flametop: sampling"), "no sampling started:\n\(result.stderr)")
    }

    @Test(.needsRoot) func aFullDiskIsRefusedBeforeSampling() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let disk = try SmallDisk(in: directory, size: "64k")
        defer { disk.unmount() }
        try disk.fill()
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let result = try record(["--output", disk.path + "/out.folded", "--duration", "30"], state: directory,
                                busy: busy).wait(timeout: 20)
        #expect(!result.timedOut)
        #expect(result.status != 0)
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: disk.path + "/out.folded"))
        let hidden = try FileManager.default.contentsOfDirectory(atPath: disk.path).filter { $0.hasPrefix(".") }
        #expect(hidden.isEmpty, "the probe file is removed: \(hidden)")
    }

    /// The disk fills up while sampling: the profile goes to the autosave directory, and
    /// the run says where and fails.
    @Test(.needsRoot) func aDiskThatFillsWhileSamplingKeepsTheProfile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let disk = try SmallDisk(in: directory, size: "256k")
        defer { disk.unmount() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let run = try record(["--output", disk.path + "/out.folded", "--duration", "3", "--frequency", "999"],
                             state: state, busy: busy)
        #expect(run.waitForOutput("flametop: sampling", timeout: 20), "\(run.stderr)")
        try disk.fill()
        let result = run.wait(timeout: 30)
        let fallback = state.file("flametop/out.folded")
        #expect(result.status != 0, "the file asked for is not there")
        #expect(result.stderr.contains("No space left on device"), "\(result.stderr)")
        #expect(result.stderr.contains("the profile is kept: wrote it to \(fallback) instead"), "\(result.stderr)")
        #expect(result.stderr.contains("wrote \(fallback)"), "the summary names where it is:\n\(result.stderr)")
        let saved = try String(contentsOfFile: fallback, encoding: .utf8)
        #expect(saved.contains(" "), "the fallback holds the profile")
        let left = try FileManager.default.contentsOfDirectory(atPath: disk.path)
        #expect(left == ["filler"], "no partial or temporary file on the full disk: \(left)")
    }

    @Test(.needsRoot) func sigkillLeavesNothingAndAStaleTemporaryIsCleaned() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let busy = try RunningProcess(["sh", "-c", "while :; do :; done"])
        defer { busy.terminate() }
        let output = directory.file("out.folded")
        let killed = try record(["--output", output, "--duration", "30"], state: directory, busy: busy)
        #expect(killed.waitForOutput("flametop: sampling", timeout: 20), "\(killed.stderr)")
        killed.terminate()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == [],
                "nothing, hidden or not, after SIGKILL while sampling")

        // What a run killed while writing leaves: an unlocked temporary file. The next run
        // removes it.
        let stale = try directory.write(".out.folded.tmp-AbC123", "main;partial 1\n")
        let result = try record(["--output", output, "--duration", "1"], state: directory, busy: busy)
            .wait(timeout: 30)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["out.folded"])
    }
}
