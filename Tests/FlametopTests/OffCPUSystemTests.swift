import Foundation
import Profile
import TestSupport
import Testing

/// `flametop record --mode off|wall` against Tests/Workloads/offcpu_truth.c, whose
/// threads block in known places and measure their own time per phase: the
/// truth is what the workload measured over the recording (its `truth` lines
/// before and after), so a busy machine moves truth and profile together.
@Suite(.serialized)
struct OffCPUSystemTests {
    /// A recording of the cycling workload with the truth over its window.
    struct Run {
        var recording: StackCounts
        var stderr: String
        var truth: OffCPUTruthWorkload.Totals

        /// Microseconds of stacks that contain `function`.
        func time(containing function: String) -> Double {
            Double(recording.counts.reduce(0) { $0 + ($1.key.frames.contains { $0.function == function } ? $1.value : 0) })
        }

        func shares(of phases: [String]) -> [String: Double] {
            OffCPUTruthWorkload.shares(Dictionary(uniqueKeysWithValues: phases.map { ($0, time(containing: $0)) }))
        }
    }

    static func record(mode: String, seconds: Int, extra: [String] = [],
                       in directory: TemporaryDirectory) throws -> Run {
        let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory))
        defer { workload.terminate() }
        let output = directory.file("\(mode).folded")
        let record = try RunningProcess([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--mode", mode,
                                         "--duration", "\(seconds)", "--output", output] + extra)
        defer { record.terminate() }
        guard record.waitForOutput("flametop: sampling", timeout: 30) else {
            throw TestFailure("record did not start: \(record.stderr)")
        }
        workload.signal(SIGUSR1)
        guard Wait.until(timeout: 10, { OffCPUTruthWorkload.totals(in: workload.stdout).count >= 1 }) else {
            throw TestFailure("the workload printed no truth: \(workload.stdout)")
        }
        let result = record.wait(timeout: Double(seconds) + 60)
        guard result.status == 0, !result.timedOut else {
            throw TestFailure("record exited \(result.status)\(result.timedOut ? " (timed out)" : ""): \(result.stderr)")
        }
        workload.signal(SIGUSR1)
        guard Wait.until(timeout: 10, { OffCPUTruthWorkload.totals(in: workload.stdout).count >= 2 }) else {
            throw TestFailure("the workload printed no second truth: \(workload.stdout)")
        }
        let totals = OffCPUTruthWorkload.totals(in: workload.stdout)
        let counts = try FoldedReader().read(try String(contentsOfFile: output, encoding: .utf8))
        return Run(recording: counts, stderr: result.stderr, truth: totals[1].since(totals[0]))
    }

    static func expectShares(_ measured: [String: Double], _ truth: [String: Double], tolerance: Double,
                             _ what: String) {
        for (phase, expected) in truth.sorted(by: { $0.key < $1.key }) {
            let got = measured[phase] ?? 0
            #expect(abs(got - expected) <= tolerance,
                    "\(what) \(phase): \(String(format: "%.1f", got * 100))% vs truth \(String(format: "%.1f", expected * 100))%")
        }
    }

    /// Off-CPU shares of the five phases within ±3 pp of the workload's own
    /// (wall − CPU) time; each phase's time on its own thread; the kernel frames
    /// say what it waited on.
    @Test(.needsRoot) func offCPUSharesThreadsAndWaits() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try Self.record(mode: "off", seconds: 4, in: directory)
        let truth = OffCPUTruthWorkload.shares(run.truth.offCPU.filter { OffCPUTruthWorkload.phases.contains($0.key) })
        let measured = run.shares(of: OffCPUTruthWorkload.phases)
        print("off-CPU shares: measured \(measured.mapValues { (($0 * 1000).rounded() / 10) }) truth \(truth.mapValues { (($0 * 1000).rounded() / 10) })")
        Self.expectShares(measured, truth, tolerance: 0.03, "off-CPU")

        // The phases blocked ~3.5 s each second of the two threads: the totals agree too.
        let recorded = OffCPUTruthWorkload.phases.reduce(0) { $0 + run.time(containing: $1) }
        let expected = OffCPUTruthWorkload.phases.reduce(0) { $0 + (run.truth.offCPU[$1] ?? 0) } / 1000
        #expect(recorded > 0.85 * expected && recorded < 1.1 * expected,
                "recorded \(recorded) µs of phase blocking, the workload measured \(expected) µs")

        for (stack, _) in run.recording.counts {
            let names = stack.frames.map(\.function)
            let root = stack.frames.first?.function ?? ""
            if OffCPUTruthWorkload.workerPhases.contains(where: names.contains) {
                #expect(root.hasPrefix("worker (tid "), "the worker's phases are on its thread: \(names)")
            }
            if OffCPUTruthWorkload.wakerPhases.contains(where: names.contains) {
                #expect(root.hasPrefix("waker (tid "), "the waker's phases are on its thread: \(names)")
            }
        }
        // The kernel's task-stack walk (bpf_get_task_stack) leaves out scheduler
        // functions (__sched: schedule, do_nanosleep…): the wait is named by the
        // first frame past them, hrtimer_nanosleep or (anon_)pipe_read.
        func kernelShare(_ phase: String, _ wait: String) -> Double {
            let total = run.time(containing: phase)
            let named = run.recording.counts.filter { stack, _ in
                stack.frames.contains { $0.function == phase }
                    && stack.frames.contains { $0.kind == .kernel && $0.function.contains(wait) }
            }.values.reduce(0, +)
            return total > 0 ? Double(named) / total : 0
        }
        #expect(kernelShare("phase_sleep", "nanosleep") > 0.95, "nanosleep blocks in hrtimer_nanosleep")
        #expect(kernelShare("waker_sleep", "nanosleep") > 0.95, "nanosleep blocks in hrtimer_nanosleep")
        #expect(kernelShare("phase_pipe", "pipe_read") > 0.95, "the pipe wait blocks in pipe_read")
        #expect(kernelShare("waker_wait", "pipe_read") > 0.95, "the request wait blocks in pipe_read")
        #expect(run.stderr.contains("folded counts are microseconds"), "\(run.stderr)")
        #expect(run.stderr.contains("losses: none"), "\(run.stderr)")
    }

    /// Wall-clock shares: on-CPU samples weighted by the period plus off-CPU time
    /// add up, per phase, to the workload's own wall-clock time within ±3 pp.
    @Test(.needsRoot) func wallClockSharesMatchTruth() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let run = try Self.record(mode: "wall", seconds: 4, extra: ["--frequency", "999"], in: directory)
        let truth = OffCPUTruthWorkload.shares(run.truth.wall.filter { OffCPUTruthWorkload.phases.contains($0.key) })
        let measured = run.shares(of: OffCPUTruthWorkload.phases)
        print("wall shares: measured \(measured.mapValues { (($0 * 1000).rounded() / 10) }) truth \(truth.mapValues { (($0 * 1000).rounded() / 10) })")
        Self.expectShares(measured, truth, tolerance: 0.03, "wall")
        // The burn phase is mostly on the CPU: its samples carry it, not blocks.
        let burnOnCPU = run.recording.counts.filter { stack, _ in
            stack.frames.contains { $0.function == "phase_burn" } && !stack.frames.contains { $0.function == "__schedule" }
        }.values.reduce(0, +)
        #expect(Double(burnOnCPU) > 0.5 * run.time(containing: "phase_burn"), "phase_burn's time is mostly samples")
        #expect(run.recording.counts.keys.allSatisfy { $0.frames.first?.function.contains("(tid ") == true },
                "every wall stack starts with its thread")
        #expect(run.stderr.contains("wall-clock time"), "\(run.stderr)")
    }

    /// Blocks under --min-block are counted without a stack: the 200 µs sleeps
    /// are in the summary's short total, the 10 ms sleeps in the profile; with a
    /// 100 µs threshold both are in.
    @Test(.needsRoot) func shortBlocksStayOutOfTheProfile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory), arguments: ["short"])
        defer { workload.terminate() }

        let coarse = try Recording.run(["--pid", "\(workload.pid)", "--mode", "off", "--duration", "2",
                                        "--min-block", "5000"], in: directory)
        // A 200 µs sleep that overruns past 5 ms (a very busy host) is a long block: a few may be in.
        let shortIn = coarse.samples(containing: "phase_short")
        let longIn = coarse.samples(containing: "phase_long")
        #expect(longIn > 1_500_000, "~2 s of 10 ms sleeps: \(longIn) µs")
        #expect(shortIn < longIn / 20, "200 µs blocks are under the 5 ms threshold: \(shortIn) µs in the profile")
        let shorter = try #require(Self.shortBlocks(in: coarse.result.stderr), "\(coarse.result.stderr)")
        #expect(shorter > 2000, "~2 s of 200 µs sleeps are ~7000 short blocks; got \(shorter)")

        let fine = try Recording.run(["--pid", "\(workload.pid)", "--mode", "off", "--duration", "2",
                                      "--min-block", "100"], in: directory)
        #expect(fine.samples(containing: "phase_short") > 1_000_000, "with a 100 µs threshold the 200 µs sleeps are in the profile")
        #expect((Self.shortBlocks(in: fine.result.stderr) ?? .max) < shorter / 10, "\(fine.result.stderr)")
    }

    /// "N shorter" from the summary's off-CPU line.
    static func shortBlocks(in stderr: String) -> Int? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("off-CPU: ") }),
              let range = line.range(of: #"(\d+) shorter"#, options: .regularExpression) else { return nil }
        return Int(line[range].split(separator: " ")[0])
    }

    /// The target exits while a thread is blocked: the session ends with the
    /// target, the profile keeps the blocked thread's time under its stack,
    /// and a block that began before the session is timed from its start under
    /// the marker frame.
    @Test(.needsRoot) func targetExitsWhileBlocked() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory), arguments: ["exit", "1500"])
        defer { workload.terminate() }
        let output = directory.file("exit.folded")
        let record = try RunningProcess([try FlametopBinary.path, "record", "--pid", "\(workload.pid)", "--mode", "off",
                                         "--duration", "30", "--output", output])
        defer { record.terminate() }
        #expect(record.waitForOutput("flametop: sampling", timeout: 30), "record did not start: \(record.stderr)")
        workload.signal(SIGUSR1)
        let result = record.wait(timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("the target process exited"), "\(result.stderr)")
        let counts = try FoldedReader().read(try String(contentsOfFile: output, encoding: .utf8))
        let blocked = counts.counts.filter { $0.key.frames.contains { $0.function == "phase_blocked_read" } }
        let blockedTime = blocked.values.reduce(0, +)
        #expect(blockedTime > 1_200_000 && blockedTime < 2_000_000,
                "the reader blocked ~1.5 s until the exit; got \(blockedTime) µs")
        #expect(blocked.keys.allSatisfy { $0.frames.first?.function.hasPrefix("reader (tid ") == true })
        #expect(blocked.keys.contains { $0.frames.contains { $0.kind == .kernel && $0.function.hasSuffix("pipe_read") } })
        let marker = "[blocked since before the session]"
        #expect(counts.counts.keys.contains { $0.frames.contains { $0.function == marker } },
                "main waited in sigwait since before the session: \(counts.counts.keys.map { $0.frames.map(\.function) })")
    }
}
