import Foundation
import GRPCCore
import Profile
import Service
import TestSupport
import Testing

extension ServiceSystemTests {
    /// The service in this process, over mTLS on loopback, profiling real workloads.
    @Suite(.serialized)
    struct Sessions {
        /// The ground-truth workload profiled through the service: the streamed
        /// chunks respect the chunk size and their framing, and put together they
        /// are a folded file with the known stacks and CPU split.
        @Test(.needsRoot) func groundTruthStreamsInChunks() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            // Smaller than the ground truth's ~6 lines of ~45 bytes, so the profile always spans
            // several chunks (256 could hold it whole once frames lost their symbol versions).
            let chunkSize = 64

            try await TestServer.with(certificates, configure: { $0.profiler.chunkSizeBytes = chunkSize }) { port in
                try await TestServer.client(port, certificates) { client in
                    let started = try await client.start(pid: workload.pid, durationSeconds: 4, frequencyHz: 999)
                    #expect(started.pid == workload.pid)
                    #expect(started.command == "gt-nopie")
                    #expect(!started.sessionID.isEmpty)
                    let clock = ContinuousClock()
                    let asked = clock.now
                    let fetched = try await client.results(sessionID: started.sessionID, timeout: .seconds(30))
                    print("results of a 4 s session arrived \(clock.now - asked) after asking right after the start")

                    #expect(fetched.chunkSizes.count > 1, "a profile of several stacks in \(chunkSize)-byte chunks")
                    #expect(fetched.chunkSizes.allSatisfy { $0 <= chunkSize }, "\(fetched.chunkSizes)")
                    let meta = fetched.metadata
                    #expect(meta.pid == workload.pid && meta.command == "gt-nopie")
                    #expect(meta.end == .durationElapsed, "\(meta.endReason)")
                    #expect(meta.requestedDurationSeconds == 4 && meta.frequencyHz == 999)
                    #expect(abs(meta.durationSeconds - 4) < 0.5)
                    #expect(meta.startTime.date.timeIntervalSinceNow > -30)

                    let counts = try FoldedReader().read(fetched.foldedText)
                    #expect(counts.totalSamples == meta.sampleCount)
                    #expect(UInt64(counts.uniqueStacks) <= meta.uniqueStacks, "lines merge stacks the format cannot tell apart")
                    #expect(fetched.foldedText == FoldedWriter().write(counts), "the bytes of the file `record` writes")
                    let agreement = GroundTruthAgreement(counts)
                    #expect(agreement.totalSamples >= 1600, "999 Hz for 4 s should give ~4000 samples, got \(agreement.totalSamples)")
                    #expect(agreement.exactShare >= 0.95, "only \(agreement.exactShare * 100)% exact stacks")
                    #expect(agreement.sharesOffTruth().isEmpty, "\(agreement.sharesOffTruth())")

                    // The result stays available until it expires: a second fetch gets the same bytes.
                    let again = try await client.results(sessionID: started.sessionID, timeout: .seconds(10))
                    #expect(again.bytes == fetched.bytes)

                    let status = try await client.status()
                    #expect(status.healthy && status.ebpfAvailable && status.ebpfUnavailableReason.isEmpty)
                    #expect(status.version == "test")
                    #expect(status.activeSessions == 0 && status.sessionsStarted == 1 && status.storedResults == 1)
                    #expect(status.totalSamples >= meta.sampleCount)
                    #expect(status.stackSuccesses + status.stackErrors >= status.totalSamples)
                    #expect(status.memoryRssBytes > 1_000_000 && status.cpuSeconds > 0)
                }
            }
        }

        /// max_concurrent_sessions run at once; one more is RESOURCE_EXHAUSTED, and
        /// once they end a new one starts.
        @Test(.needsRoot) func concurrentSessionsUpToTheLimit() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let first = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            let second = try Workloads.start(try GroundTruthWorkload.buildSyscallWorkload(in: directory))
            defer { first.terminate(); second.terminate() }

            try await TestServer.with(certificates, configure: { $0.profiler.maxConcurrentSessions = 2 }) { port in
                try await TestServer.client(port, certificates) { client in
                    let a = try await client.start(pid: first.pid, durationSeconds: 2, frequencyHz: 199)
                    let b = try await client.start(pid: second.pid, durationSeconds: 2, frequencyHz: 199)
                    #expect(a.sessionID != b.sessionID)
                    #expect(try await client.status().activeSessions == 2)
                    let refused = try await rpcError { _ = try await client.start(pid: first.pid, durationSeconds: 1, frequencyHz: 99) }
                    #expect(refused.code == .resourceExhausted)
                    #expect(refused.message.contains("max_concurrent_sessions = 2"), "\(refused.message)")

                    async let resultA = client.results(sessionID: a.sessionID, timeout: .seconds(30))
                    async let resultB = client.results(sessionID: b.sessionID, timeout: .seconds(30))
                    let (fetchedA, fetchedB) = try await (resultA, resultB)
                    #expect(fetchedA.metadata.command == "gt-nopie" && fetchedA.foldedText.contains("alpha"))
                    #expect(fetchedB.metadata.command == "gt-syscall" && fetchedB.foldedText.contains("_[k]"))
                    // Per-thread events count the target's CPU time only, which other
                    // work on a busy machine can squeeze: demand samples, not a rate.
                    #expect(fetchedA.metadata.sampleCount > 20 && fetchedB.metadata.sampleCount > 20,
                            "\(fetchedA.metadata.sampleCount), \(fetchedB.metadata.sampleCount) samples")

                    let third = try await client.start(pid: first.pid, durationSeconds: 1, frequencyHz: 99)
                    _ = try await client.results(sessionID: third.sessionID, timeout: .seconds(30))
                    #expect(try await client.status().sessionsStarted == 3)
                }
            }
        }

        /// Every refusal has its gRPC status code and a message naming the problem.
        @Test(.needsRoot) func errorsHaveTheirStatusCodes() async throws {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            let pidMax = Int32((try? String(contentsOfFile: "/proc/sys/kernel/pid_max", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 4_194_304

            try await TestServer.with(certificates, configure: { $0.profiler.maxSessionDurationSeconds = 20 }) { port in
                try await TestServer.client(port, certificates) { client in
                    let me = getpid()
                    let invalid: [(Int32, Int, Int, String)] = [
                        (0, 1, 99, "pid must be a positive"), (-4, 1, 99, "pid must be a positive"),
                        (me, 0, 99, "duration_seconds must be between 1 and 20"),
                        (me, 21, 99, "duration_seconds must be between 1 and 20 (got 21)"),
                        (me, 1, 0, "frequency_hz must be between 1 and 1000"),
                        (me, 1, 1001, "frequency_hz must be between 1 and 1000 (got 1001)"),
                        (2, 1, 99, "kernel thread"),
                    ]
                    for (pid, duration, frequency, message) in invalid {
                        let error = try await rpcError { _ = try await client.start(pid: pid, durationSeconds: duration, frequencyHz: frequency) }
                        #expect(error.code == .invalidArgument, "pid \(pid), \(duration) s, \(frequency) Hz: \(error)")
                        #expect(error.message.contains(message), "\(error.message)")
                    }
                    let noProcess = try await rpcError { _ = try await client.start(pid: pidMax + 1, durationSeconds: 1, frequencyHz: 99) }
                    #expect(noProcess.code == .notFound && noProcess.message.contains("\(pidMax + 1)"), "\(noProcess)")

                    let unknown = try await rpcError { _ = try await client.results(sessionID: "no-such-session", timeout: .seconds(5)) }
                    #expect(unknown.code == .notFound && unknown.message.contains("no-such-session"), "\(unknown)")
                    // Echoed whole, a 1 MB ID broke the reply's metadata: RESOURCE_EXHAUSTED.
                    let huge = String(repeating: "x", count: 1 << 20)
                    let hugeError = try await rpcError { _ = try await client.results(sessionID: huge, timeout: .seconds(5)) }
                    #expect(hugeError.code == .notFound, "\(hugeError.code): \(hugeError.message.prefix(200))")
                    let empty = try await rpcError { _ = try await client.results(sessionID: "", timeout: .seconds(5)) }
                    #expect(empty.code == .invalidArgument, "\(empty)")
                    #expect(try await client.status().sessionsStarted == 0, "no refused request started a session")
                }
            }
        }

        /// While the session samples, GetProfilingResults waits for it, bounded by
        /// the caller's deadline; a finished result expires after its retention time.
        @Test(.needsRoot) func waitingIsBoundedByTheDeadlineAndResultsExpire() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }

            try await TestServer.with(certificates, configure: { $0.profiler.resultRetentionSeconds = 1 }) { port in
                try await TestServer.client(port, certificates) { client in
                    let started = try await client.start(pid: workload.pid, durationSeconds: 3, frequencyHz: 99)
                    let early = try await rpcError { _ = try await client.results(sessionID: started.sessionID, timeout: .milliseconds(500)) }
                    #expect(early.code == .deadlineExceeded, "\(early)")

                    let fetched = try await client.results(sessionID: started.sessionID, timeout: .seconds(30))
                    #expect(fetched.metadata.end == .durationElapsed && fetched.metadata.sampleCount > 20)

                    // Retention is 1 s: poll (bounded) until the result is gone.
                    let deadline = ContinuousClock.now + .seconds(10)
                    var last: RPCError?
                    while ContinuousClock.now < deadline {
                        do {
                            _ = try await client.results(sessionID: started.sessionID, timeout: .seconds(5))
                        } catch let error as RPCError {
                            last = error
                            break
                        }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    #expect(last?.code == .notFound, "the result should expire after 1 s: \(String(describing: last))")
                    #expect(last?.message.contains("expired") == true, "\(String(describing: last?.message))")
                    #expect(try await client.status().storedResults == 0)
                }
            }
        }

        /// A target that exits ends its session early, with what was sampled.
        @Test(.needsRoot) func targetExitEndsTheSessionEarly() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }

            try await TestServer.with(certificates) { port in
                try await TestServer.client(port, certificates) { client in
                    let started = try await client.start(pid: workload.pid, durationSeconds: 30, frequencyHz: 499)
                    let cpu = ProcessCPU.seconds(of: workload.pid) ?? 0
                    #expect(ProcessCPU.waitForCPU(of: workload.pid, moreThan: cpu, by: 0.5, timeout: 10))
                    workload.terminate()
                    let clock = ContinuousClock()
                    let asked = clock.now
                    let fetched = try await client.results(sessionID: started.sessionID, timeout: .seconds(20))
                    #expect(clock.now - asked < .seconds(5), "the session ends when its target does")
                    #expect(fetched.metadata.end == .targetExited, "\(fetched.metadata.endReason)")
                    #expect(fetched.metadata.durationSeconds < 20)
                    #expect(fetched.metadata.sampleCount > 100, "~0.5 s of CPU at 499 Hz was sampled")
                    #expect(fetched.foldedText.contains("main;run;alpha"))
                }
            }
        }

        /// A request's unwind mode reaches the sampler and comes back in the
        /// metadata: on code without frame pointers DWARF finds main, frame
        /// pointers do not.
        @Test(.needsRoot) func unwindModeIsPerRequest() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let binary = try Workloads.build("ground_truth", in: directory, output: "gt-nofp",
                                             flags: ["-O2", "-g", "-fomit-frame-pointer", "-fno-optimize-sibling-calls",
                                                     "-fno-inline", "-falign-functions=64", "-pthread", "-no-pie"])
            let workload = try Workloads.start(binary)
            defer { workload.terminate() }

            try await TestServer.with(certificates) { port in
                try await TestServer.client(port, certificates) { client in
                    let dwarf = try await client.start(pid: workload.pid, durationSeconds: 2, frequencyHz: 499, unwind: .dwarf)
                    let fp = try await client.start(pid: workload.pid, durationSeconds: 2, frequencyHz: 499,
                                                    unwind: .framePointers)
                    #expect(dwarf.unwind == .dwarf && fp.unwind == .framePointers)
                    for (started, mode) in [(dwarf, Profiler_V1_UnwindMode.dwarf), (fp, .framePointers)] {
                        let fetched = try await client.results(sessionID: started.sessionID, timeout: .seconds(30))
                        #expect(fetched.metadata.unwind == mode)
                        let counts = try FoldedReader().read(fetched.foldedText)
                        let total = counts.totalSamples
                        let withMain = counts.counts.filter { $0.key.frames.contains { $0.function == "main" } }
                            .values.reduce(0, +)
                        #expect(total > 200, "\(mode): \(total) samples")
                        if mode == .dwarf {
                            #expect(Double(withMain) >= 0.95 * Double(total), "DWARF: \(withMain) of \(total) reach main")
                        } else {
                            #expect(Double(withMain) <= 0.05 * Double(total), "fp: \(withMain) of \(total) reach main")
                        }
                    }
                }
            }
        }
    }
}
