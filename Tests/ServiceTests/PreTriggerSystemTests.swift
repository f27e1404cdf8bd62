import Foundation
import Gzip
import Pprof
import Profile
import Service
import TestSupport
import Testing

extension ServiceSystemTests.Triggers {
    /// The seconds before a trigger, on the real kernel: the workload burns `first_half`,
    /// switches to `second_half` on SIGUSR1 before its rule fires, and the triggered
    /// profile still holds `first_half`, from its low-rate part only, weighted with the
    /// session's own samples into CPU time.
    @Test(.needsRoot) func aTriggeredProfileBeginsWithTheSecondsBeforeTheTrigger() async throws {
        let certificates = try TestCertificates.make()
        let directory = try TemporaryDirectory()
        defer { certificates.remove(); directory.remove() }
        // Named so that its comm is the rule's: nothing else on the host has it.
        let workload = try Workloads.start(try Workloads.build("phases", in: directory, output: "pretrig-phases"))
        defer { workload.terminate() }
        let forSeconds = 8
        let rule = TriggerRule(name: "pretrig", match: .command("pretrig-phases"), cpuPercent: 50, forSeconds: forSeconds,
                               coolDownSeconds: 600, maxPerHour: 1, durationSeconds: 2, frequencyHz: 99)

        try await TestServer.with(certificates, configure: { $0.triggers = [rule] }) { port in
            try await TestServer.client(port, certificates) { client in
                // 2 s of the busy workload at 19 Hz in the history (it keeps only the rule's process).
                let held = try await Self.status(client, within: .seconds(20), "the history never held 2 s of the workload") {
                    $0.triggerHistory.state == "failed" || $0.triggerHistory.samples >= 38
                }
                let history = held.triggerHistory
                try #require(held.hasTriggerHistory && history.state == "running", "the history: \(history)")
                #expect(history.frequencyHz == 19 && history.capacitySeconds == 60 && history.processes == 1,
                        "only the rule's process is kept: \(history)")
                try #require(held.sessions.isEmpty && held.triggers.first?.fired == 0,
                             "the rule fired before the workload switched (for_seconds \(forSeconds) too short on this host)")

                workload.signal(SIGUSR1)
                try #require(await Self.waitForOutput(workload, "switched", timeout: 10), "the workload never switched")
                let switchedAt = Date()

                let listed = try await Self.status(client, within: .seconds(Double(forSeconds) + 15),
                                                   "no triggered session was listed") { !$0.sessions.isEmpty }
                let session = try #require(listed.sessions.first)
                #expect(session.trigger.firedTime.date > switchedAt, "the rule fired after the switch")

                let fetched = try await client.results(sessionID: session.sessionID, timeout: .seconds(30))
                let meta = fetched.metadata
                try #require(meta.hasPreTrigger, "the result has no pre-trigger part: \(meta)")
                #expect(meta.preTrigger.frequencyHz == 19 && meta.preTrigger.seconds >= 2 && meta.preTrigger.samples >= 38,
                        "\(meta.preTrigger)")
                #expect(meta.countUnit == "microseconds" && meta.mode == .cpu)
                let counts = try FoldedReader().read(fetched.foldedText)
                func microseconds(_ leaf: String) -> UInt64 {
                    counts.counts.filter { $0.key.frames.contains { $0.function == leaf } }.values.reduce(0, +)
                }
                let first = microseconds("first_half"), second = microseconds("second_half")
                // 19 Hz samples are 52 632 µs each: first_half can only come from the low-rate part.
                let lowRateMicroseconds = meta.preTrigger.samples * 52_632
                #expect(first > 0 && first <= lowRateMicroseconds,
                        "first_half: \(first) µs, the low-rate part \(lowRateMicroseconds) µs:\n\(fetched.foldedText)")
                #expect(second > first, "second_half ran for longer (the rest of for_seconds and the session)")
                // The whole is CPU time: about the history's seconds and the session's 2 s of a busy thread.
                let total = Double(counts.totalSamples) / 1e6
                let expected = Double(meta.preTrigger.samples) / 19 + meta.durationSeconds
                #expect(abs(total - expected) < 0.15 * expected, "\(total) s of CPU, expected about \(expected) s")

                let pprof = try await client.results(sessionID: session.sessionID, timeout: .seconds(30), format: .pprof)
                let contents = try PprofReader().read(try Gzip.decompress(pprof.bytes))
                #expect(contents.period == 1_000, "a 1 µs period keeps cpu/nanoseconds true across the two rates")
                #expect(contents.comments.contains { $0.contains("CPU microseconds") }, "\(contents.comments)")
                #expect(contents.counts.counts.keys.contains { $0.frames.contains { $0.function == "first_half" } })

                let after = try await client.status()
                #expect(after.triggerHistory.drainCpuPercent < 5, "drain thread at \(after.triggerHistory.drainCpuPercent)%")
            }
        }
    }
}
