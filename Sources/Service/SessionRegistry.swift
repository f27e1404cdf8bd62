import Profile
import FoundationEssentials
import Logging
import Sampling
import Synchronization

/// The service's sessions: starts them within the limits, hands out their
/// results, and deletes results after `result_retention_seconds` or when newer
/// results need their memory. Safe from any thread.
public final class SessionRegistry: Sendable {
    public let limits: ServiceConfiguration.Profiler
    private let state = Mutex(State())
    private let logger: Logger
    private let starter: SessionStarter

    /// What `StartProfiling` answers.
    public struct StartedSession: Sendable {
        public var id: String
        public var pid: Int32
        public var command: String
        public var durationSeconds: Int
        public var frequencyHz: Int
        /// What the session samples with: `auto` until its rule has decided.
        public var unwind: SessionSettings.UnwindMode
        /// What the counts measure (samples, or µs off-CPU / of wall-clock time).
        public var mode: ProfileMode
        public var startedAt: Date
        /// Set when a trigger rule started it.
        public var trigger: TriggerCause?
    }

    /// Counters over every session since the service started.
    public struct Totals: Sendable, Equatable {
        public var activeSessions = 0
        public var sessionsStarted: UInt64 = 0
        public var samples: UInt64 = 0
        public var stackErrors: UInt64 = 0
        public var storedResults = 0
        public var storedResultBytes = 0
    }

    private struct State {
        var sessions: [String: ServiceSession] = [:]
        /// Sessions starting or sampling: what max_concurrent_sessions limits.
        var active = 0
        /// Kept results in the order they ended (= the order they expire).
        var kept: [(id: String, bytes: Int, expires: ContinuousClock.Instant)] = []
        var keptBytes = 0
        /// Why recently deleted sessions are gone, so NOT_FOUND can say so.
        var gone = Tombstones(capacity: 4096)
        var ended = Totals()
        var shuttingDown = false
    }

    public convenience init(limits: ServiceConfiguration.Profiler, symbols: ServiceConfiguration.Symbols = .init(),
                            logger: Logger = Logger(label: "flametop.service")) {
        self.init(limits: limits, logger: logger, starter: SessionStarters.background(symbols: symbols.symbolizerOptions))
    }

    init(limits: ServiceConfiguration.Profiler, logger: Logger, starter: @escaping SessionStarter) {
        self.limits = limits
        self.logger = logger
        self.starter = starter
    }

    /// Validates the request, takes a session slot and starts sampling. A nil
    /// `unwind` takes the configured default (frame pointers in off-CPU and wall modes).
    public func start(pid: Int32, durationSeconds: Int, frequencyHz: Int,
                      unwind: SessionSettings.UnwindMode? = nil,
                      mode: ProfileMode = .cpu) async throws(ServiceError) -> StartedSession {
        try await start(target: .process(pid: pid), durationSeconds: durationSeconds, frequencyHz: frequencyHz,
                        unwind: unwind, mode: mode)
    }

    /// `start` for a process or, for the HTTP scrape without `pid`, every process (the
    /// result's stacks then start with the command name; its pid is 0). A trigger rule
    /// starts its sessions here too, with its `trigger` (shown with the session and its
    /// result) and its process's pre-trigger history, the `seed` the session begins with
    /// (its low-rate seconds: see `SessionResult`). The same limits hold for every caller.
    public func start(target: SessionSettings.Target, durationSeconds: Int, frequencyHz: Int,
                      unwind: SessionSettings.UnwindMode? = nil, mode: ProfileMode = .cpu,
                      trigger: TriggerCause? = nil, seed: HistorySeed? = nil) async throws(ServiceError) -> StartedSession {
        let pid: Int32
        switch target {
        case .process(let target):
            pid = target
            try validate(pid: pid)
        case .allProcesses:
            pid = 0
        }
        try validate(durationSeconds: durationSeconds, frequencyHz: frequencyHz)
        var settings = SessionSettings(target: target)
        // Results are rendered as pprof too, whose samples carry pid and thread labels.
        settings.keepsThreads = true
        settings.duration = durationSeconds
        settings.frequency = frequencyHz
        settings.mode = mode
        if mode == .cpu {
            settings.unwind = unwind ?? limits.unwind
        } else {
            if let unwind, unwind != .framePointers {
                throw ServiceError(.invalidArgument,
                                   "unwind: \(mode == .off ? "PROFILE_MODE_OFF_CPU" : "PROFILE_MODE_WALL") walks stacks with frame pointers: leave unwind UNSPECIFIED or FRAME_POINTERS")
            }
            settings.unwind = .framePointers
        }
        if let seed, mode == .cpu, let oldest = seed.times?.lowerBound {
            // The slices must hold the seeded seconds until the session's last: its result
            // weighs them against its own (`SessionSnapshot.counts(of:)`).
            let before = Int((HistoryClock.seconds() - oldest).rounded(.up))
            settings.historySeconds = min(before + durationSeconds + 2, SessionSettings.historyRange.upperBound)
        }
        let session = ServiceSession(id: UUID().uuidString.lowercased(), pid: pid, settings: settings, trigger: trigger)

        try state.withLock { (state) throws(ServiceError) in
            if state.shuttingDown { throw ServiceError(.unavailable, "the service is shutting down") }
            guard state.active < limits.maxConcurrentSessions else {
                throw ServiceError(.resourceExhausted,
                                   "\(state.active) sessions are running, the limit (max_concurrent_sessions = \(limits.maxConcurrentSessions)); try again when one ends")
            }
            state.active += 1
            state.sessions[session.id] = session
        }
        let profiling: any SessionControl
        do {
            profiling = try await starter(settings, settings.historySeconds > 0 ? seed : nil) { [self] final in
                self.sessionEnded(session, final: final)
            }
        } catch {
            state.withLock { state in
                state.active -= 1
                state.sessions[session.id] = nil
            }
            let refusal = ServiceError(starting: error)
            logger.info("session refused", metadata: ["pid": "\(pid)", "reason": "\(refusal.message)"])
            throw refusal
        }
        let snapshot = profiling.snapshot()
        let stopNow = state.withLock { state in
            // Under the registry's lock, so a listing sees a session running and counted at once.
            session.markRunning(profiling, command: snapshot.targetName, startedAt: snapshot.startedAt)
            state.ended.sessionsStarted += 1
            return state.shuttingDown
        }
        if stopNow { profiling.requestStop() }
        var metadata: Logger.Metadata = [
            "session": "\(session.id)", "pid": "\(pid)", "command": "\(snapshot.targetName)",
            "duration_s": "\(durationSeconds)", "frequency_hz": "\(frequencyHz)", "unwind": "\(settings.unwind.rawValue)",
            "mode": "\(mode.rawValue)"]
        if let trigger { metadata["trigger"] = "\(trigger.rule)" }
        logger.info("session started", metadata: metadata)
        return StartedSession(id: session.id, pid: pid, command: snapshot.targetName, durationSeconds: durationSeconds,
                              frequencyHz: frequencyHz, unwind: snapshot.unwind, mode: mode, startedAt: snapshot.startedAt,
                              trigger: trigger)
    }

    /// The session's result; waits while it samples (see `ServiceSession.result`).
    public func result(sessionID: String) async throws -> SessionResult {
        try await session(id: sessionID).result()
    }

    /// Every session held now, sampling or with a kept result, oldest first; at most
    /// `limit` (the newest), and how many more there were. A session still starting (its
    /// BPF programs loading) is not listed yet: it has no command or start time.
    public func sessions(limit: Int = 256) -> (listed: [SessionSummary], notListed: Int) {
        let held = state.withLock { state in
            Self.deleteExpired(&state, now: .now, logger: logger)
            return state.sessions.values.filter { session in
                if case .starting = session.phase { return false }
                return true
            }
        }
        let all = held.map(SessionSummary.init).sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        return (Array(all.suffix(limit)), max(0, all.count - limit))
    }

    /// Whether the session is still sampling (false once it has a result).
    public func isRunning(sessionID: String) throws(ServiceError) -> Bool {
        if case .ended = try session(id: sessionID).phase { return false }
        return true
    }

    /// Callers waiting for the session's result now (for tests).
    func waitingCallers(sessionID: String) throws(ServiceError) -> Int {
        try session(id: sessionID).waitingCallers
    }

    private func session(id: String) throws(ServiceError) -> ServiceSession {
        guard !id.isEmpty else { throw ServiceError(.invalidArgument, "session_id is empty") }
        return try state.withLock { (state) throws(ServiceError) in
            Self.deleteExpired(&state, now: .now, logger: logger)
            if let session = state.sessions[id] { return session }
            if let reason = state.gone[id] { throw ServiceError(.notFound, "session \(id) \(reason)") }
            throw ServiceError(.notFound, "no session \(ClientEcho.quoted(id)) (unknown to this service)")
        }
    }

    /// Deletes results past their retention time; the server calls it periodically.
    public func deleteExpiredResults() {
        state.withLock { Self.deleteExpired(&$0, now: .now, logger: logger) }
    }

    /// Ends every running session early (they keep what they sampled) and refuses
    /// new ones: the first step of a graceful shutdown.
    public func stopAll() {
        let running = state.withLock { state in
            state.shuttingDown = true
            return state.sessions.values.compactMap(\.control)
        }
        for session in running { session.requestStop() }
    }

    /// True once `stopAll` was called.
    public var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    public var totals: Totals {
        let (ended, running) = state.withLock { state in
            var totals = state.ended
            totals.activeSessions = state.active
            totals.storedResults = state.kept.count
            totals.storedResultBytes = state.keptBytes
            return (totals, state.sessions.values.compactMap(\.control))
        }
        var totals = ended
        for session in running {
            let statistics = session.snapshot().statistics
            totals.samples += statistics.samplesCounted
            totals.stackErrors += Self.stackErrors(statistics)
        }
        return totals
    }

    private func validate(pid: Int32) throws(ServiceError) {
        guard pid > 0 else { throw ServiceError(.invalidArgument, "pid must be a positive process id (got \(pid))") }
        switch ProcessIDKind.of(pid) {
        case .thread(let process):
            throw ServiceError(.invalidArgument, """
                \(pid) is a thread of process \(process), not a process: ask for pid \(process) \
                (all of its threads are sampled)
                """)
        case .zombie:
            throw ServiceError(.notFound, "process \(pid) is a zombie: it has already exited (its parent has not reaped it)")
        case .process, .none:
            break
        }
    }

    private func validate(durationSeconds: Int, frequencyHz: Int) throws(ServiceError) {
        let durations = 1...limits.maxSessionDurationSeconds
        guard durations.contains(durationSeconds) else {
            throw ServiceError(.invalidArgument,
                               "duration_seconds must be between 1 and \(durations.upperBound) (got \(durationSeconds))")
        }
        let frequencies = 1...limits.maxFrequencyHz
        guard frequencies.contains(frequencyHz) else {
            throw ServiceError(.invalidArgument,
                               "frequency_hz must be between 1 and \(frequencies.upperBound) (got \(frequencyHz))")
        }
    }

    /// On the session's thread: renders the result, keeps it within the memory
    /// budget, and wakes the callers waiting for it.
    private func sessionEnded(_ session: ServiceSession, final: SessionSnapshot) {
        var result = SessionResult(sessionID: session.id, pid: session.pid, final: final)
        result.trigger = session.trigger
        let bytes = result.byteCount
        let retention = Duration.seconds(limits.resultRetentionSeconds)
        let outcome: Result<SessionResult, ServiceError> = state.withLock { state in
            state.active -= 1
            state.ended.samples += result.statistics.samplesCounted
            state.ended.stackErrors += Self.stackErrors(result.statistics)
            guard bytes <= limits.maxResultMemoryBytes else {
                let reason = "has no result: its \(bytes) bytes exceed max_result_memory_bytes (\(limits.maxResultMemoryBytes))"
                state.sessions[session.id] = nil
                state.gone.insert(session.id, reason: reason)
                return .failure(ServiceError(.notFound, "session \(session.id) \(reason)"))
            }
            state.kept.append((session.id, bytes, .now + retention))
            state.keptBytes += bytes
            while state.keptBytes > limits.maxResultMemoryBytes, let oldest = state.kept.first, oldest.id != session.id {
                Self.delete(oldest.id, at: 0, &state, reason: "was deleted: newer results needed its memory (max_result_memory_bytes)")
            }
            return .success(result)
        }
        logger.info("session ended", metadata: [
            "session": "\(session.id)", "reason": "\(result.endReason)", "samples": "\(result.sampleCount)",
            "bytes": "\(bytes)"])
        session.end(with: outcome)
    }

    private static func deleteExpired(_ state: inout State, now: ContinuousClock.Instant, logger: Logger) {
        while let oldest = state.kept.first, oldest.expires <= now {
            logger.debug("result expired", metadata: ["session": "\(oldest.id)"])
            delete(oldest.id, at: 0, &state, reason: "has expired: results are kept for result_retention_seconds after a session ends")
        }
    }

    private static func delete(_ id: String, at index: Int, _ state: inout State, reason: String) {
        state.keptBytes -= state.kept.remove(at: index).bytes
        state.sessions[id] = nil
        state.gone.insert(id, reason: reason)
    }

    /// Failed stack captures of every cause (user and kernel, and stacks gone at drain).
    static func stackErrors(_ s: SamplingStatistics) -> UInt64 {
        s.userStackMapFull + s.userStackUnavailable + s.userStackOtherErrors
            + s.kernelStackMapFull + s.kernelStackUnavailable + s.kernelStackOtherErrors
            + s.stacksMissingAtDrain
    }
}
