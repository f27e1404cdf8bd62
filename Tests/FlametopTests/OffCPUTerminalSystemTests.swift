import Foundation
import Profile
import TestSupport
import Testing

/// The live UI's `m` key in a real terminal (tmux): CPU → off-CPU → wall → CPU on
/// the off-CPU ground truth, the status line naming the mode and its unit, the
/// table showing time in off-CPU and wall modes.
@Suite(.serialized)
struct OffCPUTerminalSystemTests {
    @Test(.needsRoot) func modeKeyCyclesCPUOffCPUAndWall() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory))
        defer { workload.terminate() }
        let command = (["cd", directory.path, "&&", "exec", try FlametopBinary.path, "--pid", "\(workload.pid)", "-F", "499"])
            .joined(separator: " ")
        let tmux = try TmuxSession(["sh", "-c", command], width: 120, height: 40,
                                   environment: ["LANG": "C.UTF-8", "TERM": "xterm-256color",
                                                 "XDG_STATE_HOME": state.path, "SWIFT_BACKTRACE": "enable=no"])
        defer { tmux.close() }

        try tmux.waitUntil("the CPU profile: counts in samples", timeout: 30) {
            $0.contains(" samples ") && $0.contains("SAMPLES") && !$0.contains("mode ")
        }
        try tmux.sendKeys("o")
        let off = try tmux.waitUntil("an off-CPU profile with the sleep in the table", timeout: 30) {
            $0.contains("mode off-CPU (time)") && $0.contains("TIME")
                && $0.contains("hrtimer_nanosleep")
        }
        let status = String(off.split(separator: "\n").first ?? "")
        #expect(status.range(of: #"  [0-9.]+ (µs|ms|s)$"#, options: .regularExpression) != nil,
                "the status line gives the off-CPU time: \(status)")
        #expect(off.range(of: #"[0-9.]+ (ms|s) +hrtimer_nanosleep"#, options: .regularExpression) != nil,
                "the table shows time:\n\(off)")
        try tmux.sendKeys("o")
        let wall = try tmux.waitUntil("a wall-clock profile with the burn phase", timeout: 30) {
            $0.contains("mode wall (time)") && $0.contains("phase_burn")
        }
        #expect(wall.contains("TIME"), "\(wall)")
        try tmux.sendKeys("o")
        try tmux.waitUntil("back to CPU samples", timeout: 30) {
            $0.contains(" samples ") && $0.contains("SAMPLES") && !$0.contains("mode wall")
        }
        try tmux.sendKeys("q")
        try tmux.waitFor("PID USER", timeout: 10)
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit(timeout: 20) == 0)
    }
}
