import Foundation
import Profile
import Service
import TestSupport
import Testing

extension ServiceSystemTests {
    /// `[[trigger]]` rules in a real service: a process that idles and then turns hot is
    /// profiled by the service itself, and the session is listed and fetched as any.
    @Suite(.serialized)
    struct Triggers {
        /// Polls GetStatus until `condition` holds, for at most `timeout`.
        static func status(_ client: ProfilerClient, within timeout: Duration, _ what: String,
                           until condition: (Profiler_V1_GetStatusResponse) -> Bool) async throws -> Profiler_V1_GetStatusResponse {
            let deadline = ContinuousClock.now + timeout
            while true {
                let status = try await client.status()
                if condition(status) { return status }
                guard ContinuousClock.now < deadline else {
                    throw TestFailure("\(what) within \(timeout); the last status: sessions \(status.sessions), triggers \(status.triggers)")
                }
                try await Task.sleep(for: .milliseconds(200))
            }
        }

        @Test(.needsRoot) func aProcessThatTurnsHotIsProfiledByItself() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            // Named so that its comm is the rule's: nothing else on the host has it.
            let executable = try Workloads.build("late_hot", in: directory, output: "late-hot")
            let idleSeconds = 3.0, forSeconds = 2
            let workload = try Workloads.start(executable, arguments: ["\(idleSeconds)"])
            defer { workload.terminate() }
            let rule = TriggerRule(name: "late-hot-cpu", match: .command("late-hot"), cpuPercent: 50, forSeconds: forSeconds,
                                   coolDownSeconds: 600, maxPerHour: 2, durationSeconds: 2, frequencyHz: 199)

            try await TestServer.with(certificates, configure: { $0.triggers = [rule] }) { port in
                try await TestServer.client(port, certificates) { client in
                    let idle = try await client.status()
                    #expect(idle.sessions.isEmpty, "no session while the process idles: \(idle.sessions)")
                    let info = try #require(idle.triggers.first)
                    #expect(idle.triggers.count == 1 && info.rule == "late-hot-cpu" && info.match == "comm late-hot")
                    #expect(info.cpuPercent == 50 && info.forSeconds == 2 && info.coolDownSeconds == 600 && info.maxPerHour == 2)
                    #expect(info.fired == 0)

                    // Bounded wait for the workload to turn hot: it prints "hot" after idleSeconds.
                    let turnedHot = await Self.waitForOutput(workload, "hot", timeout: idleSeconds + 10)
                    try #require(turnedHot, "the workload never turned hot: \(workload.stderr)")
                    let hotAt = Date()

                    let listed = try await Self.status(client, within: .seconds(Double(forSeconds) + 10),
                                                       "no triggered session was listed") { !$0.sessions.isEmpty }
                    let session = try #require(listed.sessions.first)
                    #expect(listed.sessions.count == 1, "one firing: the cool-down holds the rest")
                    #expect(session.pid == workload.pid && session.command == "late-hot")
                    #expect(session.hasTrigger && session.trigger.rule == "late-hot-cpu")
                    #expect(session.trigger.pid == workload.pid && session.trigger.command == "late-hot")
                    #expect(session.trigger.cpuPercent > 50, "CPU% seen: \(session.trigger.cpuPercent)")
                    #expect(session.trigger.hotSeconds >= Double(forSeconds))
                    // Hot since the start of the interval it turned hot in: at most one interval early.
                    let firedAfterHot = session.trigger.firedTime.date.timeIntervalSince(hotAt)
                    #expect(firedAfterHot >= Double(forSeconds) - 1.5, "fired \(firedAfterHot) s after the process turned hot")
                    #expect(session.durationSeconds == 2 && session.frequencyHz == 199 && session.mode == .cpu)
                    #expect(listed.sessionsStarted == 1 && listed.triggers.first?.lastSessionID == session.sessionID)

                    let fetched = try await client.results(sessionID: session.sessionID, timeout: .seconds(30))
                    #expect(fetched.metadata.hasTrigger && fetched.metadata.trigger.rule == "late-hot-cpu")
                    #expect(fetched.metadata.end == .durationElapsed, "\(fetched.metadata.endReason)")
                    let counts = try FoldedReader().read(fetched.foldedText)
                    let hot = counts.counts.filter { $0.key.frames.contains { $0.function == "late_hot_spin" } }.values.reduce(0, +)
                    #expect(counts.totalSamples > 100, "199 Hz for 2 s of a busy process: \(counts.totalSamples) samples")
                    #expect(Double(hot) >= 0.9 * Double(counts.totalSamples),
                            "late_hot_spin has \(hot) of \(counts.totalSamples) samples:\n\(fetched.foldedText)")

                    // The process stays hot: the cool-down suppresses the next firings, and says so.
                    let cooling = try await Self.status(client, within: .seconds(Double(forSeconds) + 10),
                                                        "no suppressed firing was counted") {
                        ($0.triggers.first?.suppressedCoolDown ?? 0) >= 1
                    }
                    let counters = try #require(cooling.triggers.first)
                    #expect(counters.fired == 1 && counters.firedLastHour == 1 && counters.refused == 0)
                    #expect(counters.hasLastFiredTime && counters.suppressedHourlyCap == 0)
                    #expect(cooling.sessions.count == 1 && !cooling.sessions[0].running && cooling.sessions[0].resultBytes > 0)
                    #expect(cooling.sessions[0].endReason == "duration elapsed")
                }
            }
        }

        /// The commands as an operator runs them: `serve -c` with a [[trigger]] in its TOML,
        /// `remote status` showing the triggered session, `remote results --trigger` saving it.
        @Test(.needsRoot) func remoteCommandsShowAndFetchATriggeredSession() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try Workloads.build("late_hot", in: directory, output: "late-hot"), arguments: ["1"])
            defer { workload.terminate() }
            let rule = """
                [[trigger]]
                name = "late"
                comm = "late-hot"
                cpu_percent = 50
                for_seconds = 1
                duration_seconds = 1
                frequency_hz = 199
                """
            let serve = try ServeProcess.start(toml: ServeProcess.toml(certificates, extra: rule), in: directory)
            defer { serve.process.terminate() }
            let binary = try FlametopBinary.path
            let remote = serve.remoteArguments(certificates)

            let ended = await eventually(timeout: 20) { serve.process.stderr.contains("session ended") }
            try #require(ended, "the rule never started a session that ended:\n\(serve.process.stderr)")
            let status = try Command.run([binary, "remote", "status"] + remote, timeout: 30)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("PID \(workload.pid) (late-hot), cpu, 1 s at 199 Hz"), "\(status.stdout)")
            #expect(status.stdout.contains("triggered by late ("), "\(status.stdout)")
            #expect(status.stdout.contains("trigger late: comm late-hot above 50% CPU for 1 s (cool-down 300 s, at most 4 an hour)"),
                    "\(status.stdout)")
            #expect(status.stdout.contains("  fired 1 (1 in the last hour)"), "\(status.stdout)")

            let output = directory.file("late.folded")
            let fetched = try Command.run([binary, "remote", "results"] + remote + ["--trigger", "late", "-o", output], timeout: 30)
            #expect(fetched.status == 0, "\(fetched.stderr)")
            #expect(fetched.stderr.contains("triggered by late: PID \(workload.pid) (late-hot) at "), "\(fetched.stderr)")
            let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
            #expect(text.contains("late_hot_spin"), "\(text)")

            let unknown = try Command.run([binary, "remote", "results"] + remote + ["--trigger", "other", "-o", output], timeout: 30)
            #expect(unknown.status != 0, "\(unknown.stdout)")
            #expect(unknown.stderr.contains("no session held was started by trigger \"other\" (held sessions were started by: late)"),
                    "\(unknown.stderr)")
        }

        static func waitForOutput(_ process: RunningProcess, _ text: String, timeout: Double) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(timeout)
            while ContinuousClock.now < deadline {
                if process.stdout.contains(text) { return true }
                try? await Task.sleep(for: .milliseconds(50))
            }
            return process.stdout.contains(text)
        }
    }
}
