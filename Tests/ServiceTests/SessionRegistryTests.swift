import Foundation
import Logging
import Profile
@testable import Sampling
@testable import Service
import Synchronization
import TestSupport
import Testing

/// A session that ends when the test says so, with the profile the test gives:
/// the registry's bookkeeping (limits, waiting, retention, memory) without BPF.
final class ScriptedSession: SessionControl, @unchecked Sendable {
    let settings: SessionSettings
    /// The pre-trigger history the registry started it with.
    let seed: HistorySeed?
    private let onEnd: @Sendable (SessionSnapshot) -> Void
    private let ended = Mutex(false)
    let stopRequests = Atomic<Int>(0)

    init(settings: SessionSettings, seed: HistorySeed? = nil, onEnd: @escaping @Sendable (SessionSnapshot) -> Void) {
        self.settings = settings
        self.seed = seed
        self.onEnd = onEnd
    }

    func snapshot() -> SessionSnapshot {
        SessionSnapshot(settings: settings, counts: StackCounts(), statistics: SamplingStatistics(), state: .running,
                        startedAt: Date(), elapsed: 0, targetName: "scripted", generation: 0)
    }

    func requestStop() {
        stopRequests.add(1, ordering: .relaxed)
        end(lines: 1, state: .stopped)
    }

    /// Ends the session with `lines` unique stacks (about 40 bytes of folded text each).
    func end(lines: Int, state: SessionSnapshot.State = .finished) {
        var counts = StackCounts()
        for line in 0..<lines {
            counts.add(Stack(["main", "work", String(format: "leaf_%06d", line)].map { Frame(function: $0) }), count: 2)
        }
        end(with: SessionSnapshot(settings: settings, counts: counts, statistics: SamplingStatistics(), state: state,
                                  startedAt: Date(), elapsed: 1, targetName: "scripted", generation: 1))
    }

    /// Ends the session with `final` (a no-op once ended).
    func end(with final: SessionSnapshot) {
        guard ended.withLock({ ended in defer { ended = true }; return !ended }) else { return }
        onEnd(final)
    }
}

struct SessionRegistryTests {
    /// A registry whose sessions are ScriptedSessions, reachable in start order.
    final class Harness: Sendable {
        let registry: SessionRegistry
        private let started = Started()

        final class Started: Sendable {
            let sessions = Mutex<[ScriptedSession]>([])
        }

        init(_ configure: (inout ServiceConfiguration.Profiler) -> Void = { _ in }) {
            var limits = ServiceConfiguration.Profiler()
            configure(&limits)
            let started = self.started
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            registry = SessionRegistry(limits: limits, logger: logger) { settings, seed, onEnd throws(SamplingError) in
                if case .process(let pid) = settings.target, pid == 999_999 {
                    throw SamplingError(.noSuchProcess, operation: "find process 999999")
                }
                let session = ScriptedSession(settings: settings, seed: seed, onEnd: onEnd)
                started.sessions.withLock { $0.append(session) }
                return session
            }
        }

        func session(_ index: Int) -> ScriptedSession { started.sessions.withLock { $0[index] } }

        func start() async throws -> String {
            // A real process: the registry refuses thread IDs and zombies before starting.
            try await registry.start(pid: getpid(), durationSeconds: 5, frequencyHz: 99).id
        }
    }

    @Test func aWaitingCallerGetsTheResultWhenTheSessionEnds() async throws {
        let harness = Harness()
        let id = try await harness.start()
        #expect(try harness.registry.isRunning(sessionID: id))
        async let waited = harness.registry.result(sessionID: id)
        #expect(await eventually(timeout: 5) { (try? harness.registry.waitingCallers(sessionID: id)) == 1 })
        harness.session(0).end(lines: 3)
        let result = try await waited
        #expect(result.sampleCount == 6 && result.uniqueStacks == 3)
        #expect(String(decoding: result.folded, as: UTF8.self).hasPrefix("main;work;leaf_000000 2\n"))
        #expect(try !harness.registry.isRunning(sessionID: id))
    }

    /// A thread's ID is not taken for its process's (issue 14).
    @Test func aThreadIDIsRefusedNamingItsProcess() async throws {
        let harness = Harness()
        let me = getpid()
        let thread = try #require(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")
            .compactMap(Int32.init).first { $0 != me }, "the test runner has more than one thread")
        await #expect { _ = try await harness.registry.start(pid: thread, durationSeconds: 1, frequencyHz: 99) } throws: {
            let error = $0 as? ServiceError
            return error?.code == .invalidArgument && error?.message.contains("is a thread of process \(me)") == true
        }
    }

    @Test func aZombieIsSaidToHaveExited() async throws {
        // The child exits at once and its parent never reaps it (a shell might, before its exec).
        // The parent outlives any wait here (it is terminated at the end): in a parallel run
        // this test's task can be starved for tens of seconds, and a parent that had exited
        // by then took its zombie with it.
        let parent = try RunningProcess(["python3", "-c", "import os, time\nif os.fork() == 0: os._exit(0)\ntime.sleep(600)"])
        defer { parent.terminate() }
        let parentPID = parent.pid
        @Sendable func zombieChild() -> Int32? {
            let children = (try? String(contentsOfFile: "/proc/\(parentPID)/task/\(parentPID)/children",
                                        encoding: .utf8)) ?? ""
            return children.split(separator: " ").compactMap { Int32($0) }.first { ProcessIDKind.of($0) == .zombie }
        }
        #expect(await eventually(timeout: 10) { zombieChild() != nil })
        let pid = try #require(zombieChild(), "no zombie child appeared")
        let harness = Harness()
        await #expect { _ = try await harness.registry.start(pid: pid, durationSeconds: 1, frequencyHz: 99) } throws: {
            let error = $0 as? ServiceError
            return error?.code == .notFound && error?.message.contains("is a zombie: it has already exited") == true
        }
    }

    /// A 1 MB session_id is quoted cut, so the reply stays NOT_FOUND (issue 14).
    @Test func aHugeSessionIDIsQuotedCut() async throws {
        let harness = Harness()
        let huge = String(repeating: "x", count: 1 << 20)
        await #expect { _ = try await harness.registry.result(sessionID: huge) } throws: {
            let error = $0 as? ServiceError
            return error?.code == .notFound && (error?.message.utf8.count ?? .max) <= 1024
                && error?.message.contains("(1048576 bytes)") == true
        }
    }

    @Test func theLimitCountsRunningSessionsAndAFailedStartFreesItsSlot() async throws {
        let harness = Harness { $0.maxConcurrentSessions = 2 }
        _ = try await harness.start()
        await #expect(throws: ServiceError(.notFound, "find process 999999")) {
            _ = try await harness.registry.start(pid: 999_999, durationSeconds: 1, frequencyHz: 1)
        }
        _ = try await harness.start()
        await #expect { _ = try await harness.start() } throws: { ($0 as? ServiceError)?.code == .resourceExhausted }
        harness.session(0).end(lines: 1)
        _ = try await harness.start()
        #expect(harness.registry.totals.activeSessions == 2 && harness.registry.totals.sessionsStarted == 3)
    }

    /// Kept results stay within max_result_memory_bytes (a result holds its folded
    /// and its pprof file): the oldest go first, and a result larger than the whole
    /// budget is not kept at all.
    @Test func resultsStayWithinTheirMemoryBudget() async throws {
        let probe = Harness()
        let probeID = try await probe.start()
        probe.session(0).end(lines: 30) // 30 folded lines of 24 bytes, and their pprof file
        let size = try await probe.registry.result(sessionID: probeID).byteCount
        #expect(size > 720)
        let budget = size * 2 + size / 2
        let harness = Harness { $0.maxResultMemoryBytes = budget }
        var ids: [String] = []
        for index in 0..<3 {
            ids.append(try await harness.start())
            harness.session(index).end(lines: 30)
        }
        #expect(harness.registry.totals.storedResults == 2)
        // The gzipped pprof of equal stacks differs by a byte or two (the session's duration).
        #expect(abs(harness.registry.totals.storedResultBytes - 2 * size) <= 16)
        await #expect { _ = try await harness.registry.result(sessionID: ids[0]) } throws: { error in
            let error = error as? ServiceError
            return error?.code == .notFound && error?.message.contains("newer results needed its memory") == true
        }
        _ = try await harness.registry.result(sessionID: ids[2])

        let large = try await harness.start()
        harness.session(3).end(lines: 100)
        await #expect { _ = try await harness.registry.result(sessionID: large) } throws: { error in
            (error as? ServiceError)?.message.contains("exceed max_result_memory_bytes (\(budget))") == true
        }
        #expect(harness.registry.totals.storedResults == 2, "the large result displaced nothing")
    }

    @Test func stopAllEndsRunningSessionsAndRefusesNewOnes() async throws {
        let harness = Harness()
        let id = try await harness.start()
        harness.registry.stopAll()
        #expect(harness.session(0).stopRequests.load(ordering: .relaxed) == 1)
        let result = try await harness.registry.result(sessionID: id)
        #expect(result.state == .stopped && result.endReason.contains("shutting down"))
        await #expect(throws: ServiceError(.unavailable, "the service is shutting down")) { _ = try await harness.start() }
        #expect(harness.registry.isShuttingDown)
    }

    @Test func aCancelledWaitEndsWithoutTheResult() async throws {
        let harness = Harness()
        let id = try await harness.start()
        let waiting = Task { try await harness.registry.result(sessionID: id) }
        #expect(await eventually(timeout: 5) { (try? harness.registry.waitingCallers(sessionID: id)) == 1 })
        waiting.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiting.value }
        #expect(try harness.registry.waitingCallers(sessionID: id) == 0)
        harness.session(0).end(lines: 1)
        _ = try await harness.registry.result(sessionID: id)
    }
}
