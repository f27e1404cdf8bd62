import Foundation
import Profile
import TestSupport
import Testing

/// Nothing sampled is lost when a recording ends early: by a signal, or because
/// the target exits.
@Suite(.serialized)
struct RecordLifecycleSystemTests {
    @Test(.needsRoot, arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalStopsAndKeepsEverything(signal: Int32) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }

        let output = directory.file("stopped.folded")
        let record = try RunningProcess([try FlametopBinary.path, "record", "--pid", "\(workload.pid)",
                                         "--duration", "120", "--frequency", "999", "--output", output])
        defer { record.terminate() }
        #expect(record.waitForOutput("flametop: sampling", timeout: 20), "record did not start: \(record.stderr)")
        // Let the target burn 0.4 s of CPU while sampled (~400 samples), then stop.
        let baseline = try #require(ProcessCPU.seconds(of: workload.pid))
        #expect(ProcessCPU.waitForCPU(of: workload.pid, moreThan: baseline, by: 0.4, timeout: 20))
        record.signal(signal)

        let result = record.wait(timeout: 20)
        #expect(!result.timedOut, "record must stop promptly on a signal")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("stopped by"), "\(result.stderr)")
        let counts = try FoldedReader().read(try String(contentsOfFile: output, encoding: .utf8))
        #expect(counts.totalSamples >= 200, "got \(counts.totalSamples) samples")
        #expect(result.stderr.contains("\(counts.totalSamples) samples"), "summary counts what was written")
    }

    /// flametop gets no CPU for 3 s (SIGSTOP, as on a starved host) in a 2 s
    /// recording: the summary says the drains fell behind and how long sampling
    /// really ran, and the profile holds every sample of that time.
    @Test(.needsRoot) func aStarvedSessionReportsTheTimeItCovered() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }
        let output = directory.file("starved.folded")
        let record = try RunningProcess([try FlametopBinary.path, "record", "--pid", "\(workload.pid)",
                                         "--duration", "2", "--frequency", "999", "--output", output])
        defer { record.terminate() }
        #expect(record.waitForOutput("flametop: sampling", timeout: 20), "record did not start: \(record.stderr)")
        let baseline = try #require(ProcessCPU.seconds(of: workload.pid))
        #expect(ProcessCPU.waitForCPU(of: workload.pid, moreThan: baseline, by: 0.3, timeout: 20))
        record.signal(SIGSTOP)
        let stopped = try #require(ProcessCPU.seconds(of: workload.pid))
        #expect(ProcessCPU.waitForCPU(of: workload.pid, moreThan: stopped, by: 3, timeout: 20))
        record.signal(SIGCONT)
        let resumed = try #require(ProcessCPU.seconds(of: workload.pid))

        let result = record.wait(timeout: 30)
        #expect(result.status == 0 && !result.timedOut, "\(result.stderr)")
        let stderr = result.stderr
        #expect(stderr.contains("drains fell behind"), "\(stderr)")
        #expect(stderr.contains("of the 2 s asked, all of it in the profile"), "\(stderr)")
        let covered = try #require(stderr.firstMatch(of: /recorded .* for ([0-9.]+) s at 999 Hz/).flatMap { Double($0.1) })
        #expect(covered >= 3.3, "\(stderr)")
        let counts = try FoldedReader().read(try String(contentsOfFile: output, encoding: .utf8))
        #expect(stderr.contains(": \(counts.totalSamples) samples,"), "summary counts what was written")
        // Sampling ran through all the CPU time the target burned from the first
        // 0.3 s to the resume (3.3 s or more, not 2): its samples are in the file.
        let burned = resumed - baseline
        #expect(Double(counts.totalSamples) >= burned * 999 * 0.8, "\(counts.totalSamples) samples for \(burned) s of CPU")
    }

    @Test(.needsRoot, arguments: ["", "pidfd"])
    func targetExitEndsTheRecording(fallback: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // The workload exits by itself after 1.5 s.
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false), arguments: ["1.5"])
        defer { workload.terminate() }

        let started = Date()
        let extra = fallback.isEmpty ? [] : ["--force-fallback", fallback]
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "120",
                                           "--frequency", "499"] + extra, in: directory, timeout: 60)
        #expect(Date().timeIntervalSince(started) < 30, "record must end soon after the target exits")
        #expect(recording.result.stderr.contains("the target process exited"), "\(recording.result.stderr)")
        #expect(recording.counts.totalSamples > 100)
        #expect(recording.samples(withLeaf: "alpha") > 0, "names resolve although the process is gone")
    }
}
