import Foundation
import Logging
import Profile
@testable import Sampling
@testable import Service
import Synchronization
import TestSupport
import Testing

/// The watcher between /proc and the registry, on a made-up /proc and clock, with
/// scripted sessions: what a firing starts, what a refusal counts, what the seed adds.
@Suite struct TriggerWatcherTests {
    /// A /proc with one process whose CPU ticks the test sets.
    final class FakeProc: Sendable {
        let directory: TemporaryDirectory
        init() throws { directory = try TemporaryDirectory() }

        func set(pid: Int32, command: String, cpuTicks: UInt64, cgroup: String = "/") throws {
            let folder = directory.file("\(pid)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            // proc(5): utime is field 14, stime 15, starttime 22.
            let stat = "\(pid) (\(command)) R 1 \(pid) \(pid) 0 -1 4194560 0 0 0 0 \(cpuTicks) 0 0 0 20 0 1 0 777 1000 10 0\n"
            try stat.write(toFile: "\(folder)/stat", atomically: true, encoding: .utf8)
            try "0::\(cgroup)\n".write(toFile: "\(folder)/cgroup", atomically: true, encoding: .utf8)
        }
    }

    final class Clock: Sendable {
        let start = ContinuousClock.now
        let offset = Mutex(Duration.zero)
        func advance(_ by: Duration) { offset.withLock { $0 += by } }
        var now: ContinuousClock.Instant { start + offset.withLock { $0 } }
    }

    /// A pre-trigger history whose ring the test fills: what the watcher admits and takes.
    final class FakeHistory: PreTriggerHistory {
        let ring = Mutex(RawHistoryRing(hz: 19))
        let admissions = Mutex<[Set<Int32>?]>([])

        func record(only pids: Set<Int32>?) {
            ring.withLock { $0.admitted = pids }
            admissions.withLock { $0.append(pids) }
        }

        func takeSeed(pid: Int32) -> HistorySeed? { ring.withLock { $0.takeSeed(pid: pid) } }

        func status() -> HistoryStatus {
            ring.withLock { ring in
                HistoryStatus(hz: ring.hz, phase: .running, heldSeconds: ring.heldSpan, processes: ring.processCount,
                              samples: ring.samples, evictedSamples: ring.evictedSamples, uniqueStacks: ring.uniqueStacks,
                              ringBytes: ring.estimatedBytes, byteBudget: ring.byteBudget, cost: .init(), counters: .init())
            }
        }

        /// `seconds` drains of `pid` (19 samples each), the newest half a second ago.
        func fill(pid: Int32, seconds: Int) {
            let now = HistoryClock.seconds()
            ring.withLock { ring in
                for second in 0..<seconds {
                    ring.record([RawSample(pid: pid, tid: pid, comm: "busy", user: .addresses([0x1000, 0x2000]),
                                           kernel: .missing(code: -14), count: 19)],
                                at: now - Double(seconds - second) + 0.5)
                }
            }
        }
    }

    /// Runs `rounds` rounds one second apart, the process using `percent` of a CPU.
    static func run(_ watcher: TriggerWatcher, _ proc: FakeProc, _ clock: Clock, pid: Int32, command: String,
                    percent: UInt64, rounds: Int, cgroup: String = "/") async throws {
        let ticksPerSecond = UInt64(ProcessStatLine.ticksPerSecond)
        var ticks: UInt64 = 0
        for _ in 0..<rounds {
            try proc.set(pid: pid, command: command, cpuTicks: ticks, cgroup: cgroup)
            await watcher.tick()
            clock.advance(.seconds(1))
            ticks += ticksPerSecond * percent / 100
        }
    }

    static var quiet: Logger {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }

    @Test func aFiringStartsASessionWithItsCauseAndItsProcesssHistory() async throws {
        let harness = SessionRegistryTests.Harness()
        let proc = try FakeProc(), clock = Clock()
        defer { proc.directory.remove() }
        // This process's own PID: the registry checks that it is one.
        let pid = getpid()
        let rule = TriggerRule(name: "busy", match: .cgroup("/app"), cpuPercent: 50, forSeconds: 2, coolDownSeconds: 60,
                               durationSeconds: 5, frequencyHz: 49, mode: .cpu)
        let history = FakeHistory()
        history.fill(pid: pid, seconds: 4)
        history.fill(pid: 1, seconds: 2)
        let watcher = TriggerWatcher(rules: [rule], registry: harness.registry, history: history, procRoot: proc.directory.path,
                                     now: { clock.now }, logger: Self.quiet)
        try await Self.run(watcher, proc, clock, pid: pid, command: "busy", percent: 80, rounds: 5, cgroup: "/app/worker")

        let sessions = harness.registry.sessions().listed
        try #require(sessions.count == 1, "\(sessions)")
        let cause = try #require(sessions[0].trigger)
        #expect(cause.rule == "busy" && cause.pid == pid && cause.command == "busy")
        #expect(abs(cause.cpuPercent - 80) < 1 && cause.hotSeconds == 2)
        #expect(sessions[0].durationSeconds == 5 && sessions[0].frequencyHz == 49 && sessions[0].running)
        let status = watcher.status()[0]
        #expect(status.fired == 1 && status.firedLastHour == 1 && status.lastSessionID == sessions[0].id)
        #expect(status.suppressedCoolingDown == 1, "hot for 2 s more at the fifth round, within the cool-down")

        // A cgroup rule could match any process: the history keeps them all.
        #expect(history.admissions.withLock { $0 }.allSatisfy { $0 == nil })
        // The firing process's history left the ring for its session, sized to hold it to the end.
        let seed = try #require(harness.session(0).seed, "the session was started with the history")
        #expect(seed.pid == pid && seed.samples == 4 * 19)
        #expect(history.ring.withLock { $0.samples(of: pid) } == 0 && history.ring.withLock { $0.samples(of: 1) } == 2 * 19)
        let slices = harness.session(0).settings.historySeconds
        #expect(slices >= 4 + 5 && slices <= 4 + 5 + 4, "slices for the history's 4 s and the session's 5 s: \(slices)")

        harness.session(0).end(lines: 1)
        let result = try await harness.registry.result(sessionID: sessions[0].id)
        #expect(result.trigger == cause)
        #expect(harness.registry.sessions().listed.first?.running == false)
    }

    @Test func aRefusedFiringIsCountedWithItsReason() async throws {
        let harness = SessionRegistryTests.Harness()
        let proc = try FakeProc(), clock = Clock()
        defer { proc.directory.remove() }
        // The harness's starter refuses this PID as gone (no process has it).
        let rule = TriggerRule(name: "ghost", match: .pid(999_999), cpuPercent: 10, forSeconds: 1, coolDownSeconds: 0)
        let watcher = TriggerWatcher(rules: [rule], registry: harness.registry, procRoot: proc.directory.path,
                                     now: { clock.now }, logger: Self.quiet)
        try await Self.run(watcher, proc, clock, pid: 999_999, command: "ghost", percent: 90, rounds: 3)
        let status = watcher.status()[0]
        #expect(status.refused == 2 && status.fired == 0 && status.firedLastHour == 2)
        #expect(!status.lastRefusal.isEmpty && status.lastFiredAt != nil)
        #expect(harness.registry.sessions().listed.isEmpty)
    }

    @Test func aQuietProcessNeverFires() async throws {
        let harness = SessionRegistryTests.Harness()
        let proc = try FakeProc(), clock = Clock()
        defer { proc.directory.remove() }
        let rule = TriggerRule(name: "busy", match: .command("idle"), cpuPercent: 50, forSeconds: 1)
        let watcher = TriggerWatcher(rules: [rule], registry: harness.registry, procRoot: proc.directory.path,
                                     now: { clock.now }, logger: Self.quiet)
        try await Self.run(watcher, proc, clock, pid: getpid(), command: "idle", percent: 20, rounds: 5)
        #expect(watcher.status()[0] == TriggerStatus(rule: rule, fired: 0, suppressedCoolingDown: 0, suppressedHourlyCap: 0,
                                                     refused: 0, lastRefusal: "", lastFiredAt: nil, firedLastHour: 0,
                                                     lastSessionID: ""))
    }
}

extension TriggerWatcherTests {
    /// Rules by PID and command keep only their processes in the history; an off-CPU rule
    /// leaves its process's history alone (it counts CPU samples, not off-CPU time).
    @Test func theHistoryKeepsWhatTheRulesCouldMatch() async throws {
        let harness = SessionRegistryTests.Harness()
        let proc = try FakeProc(), clock = Clock()
        defer { proc.directory.remove() }
        let pid = getpid()
        let rules = [TriggerRule(name: "named", match: .pid(4242), cpuPercent: 50),
                     TriggerRule(name: "off", match: .command("busy"), cpuPercent: 50, forSeconds: 2, mode: .off)]
        let history = FakeHistory()
        history.fill(pid: pid, seconds: 3)
        let watcher = TriggerWatcher(rules: rules, registry: harness.registry, history: history, procRoot: proc.directory.path,
                                     now: { clock.now }, logger: Self.quiet)
        try await Self.run(watcher, proc, clock, pid: pid, command: "busy", percent: 80, rounds: 4)
        let admissions = history.admissions.withLock { $0 }
        #expect(admissions.first == [4242], "before a process is read twice, only the named PID")
        #expect(admissions.last == [4242, pid], "then the process whose command a rule names")
        #expect(harness.registry.sessions().listed.count == 1)
        #expect(harness.session(0).seed == nil && harness.session(0).settings.historySeconds == 0)
        #expect(history.ring.withLock { $0.samples(of: pid) } == 3 * 19, "the off-CPU session left the history alone")
    }

    @Test func admissionIsEveryProcessWithACgroupRule() {
        let sample = ProcessCPUSample(pid: 7, command: "api", cpuPercent: 1, measuredSince: .now)
        #expect(HistoryAdmission.processes(for: [TriggerRule(name: "a", match: .command("api"), cpuPercent: 5)],
                                           seen: [sample]) == [7])
        #expect(HistoryAdmission.processes(for: [TriggerRule(name: "a", match: .command("web"), cpuPercent: 5)],
                                           seen: [sample]) == [])
        #expect(HistoryAdmission.processes(for: [TriggerRule(name: "a", match: .pid(9), cpuPercent: 5),
                                                 TriggerRule(name: "b", match: .cgroup("/x"), cpuPercent: 5)],
                                           seen: [sample]) == nil)
    }
}
