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

    struct Seeded: PreTriggerHistory {
        func seed(pid: Int32, seconds: Int, before firedAt: Date, mode: ProfileMode) -> SessionSeed? {
            SessionSeed(counts: StackCounts([(Stack([Frame(function: "main"), Frame(function: "before_trigger")]), UInt64(7))]),
                        seconds: Double(seconds))
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

    @Test func aFiringStartsASessionWithItsCauseAndSeed() async throws {
        let harness = SessionRegistryTests.Harness()
        let proc = try FakeProc(), clock = Clock()
        defer { proc.directory.remove() }
        // This process's own PID: the registry checks that it is one.
        let pid = getpid()
        let rule = TriggerRule(name: "busy", match: .cgroup("/app"), cpuPercent: 50, forSeconds: 2, coolDownSeconds: 60,
                               durationSeconds: 5, frequencyHz: 49, mode: .cpu)
        let watcher = TriggerWatcher(rules: [rule], registry: harness.registry, history: Seeded(), procRoot: proc.directory.path,
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

        harness.session(0).end(lines: 1)
        let result = try await harness.registry.result(sessionID: sessions[0].id)
        #expect(result.trigger == cause)
        let text = String(decoding: result.folded, as: UTF8.self)
        #expect(text.contains("main;before_trigger 7"), "the seed is in the result: \(text)")
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
