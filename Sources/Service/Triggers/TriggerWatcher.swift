import FoundationEssentials
import Logging
import PlatformSupport
import Sampling
import Synchronization

/// Watches the processes the `[[trigger]]` rules name, once a second, and starts the
/// sessions their `TriggerEvaluator` decides on through the registry (so the gRPC
/// API's limits and result store hold for them too), each seeded with its process's
/// pre-trigger history. Reading /proc and deciding happen here; the rules' logic is the
/// evaluator's.
final class TriggerWatcher: Sendable {
    let rules: [TriggerRule]
    private let registry: SessionRegistry
    private let history: (any PreTriggerHistory)?
    private let interval: Duration
    /// The time of a round (tests give their own instants).
    private let now: @Sendable () -> ContinuousClock.Instant
    private let logger: Logger
    private let state: Mutex<State>

    private struct State {
        var evaluator: TriggerEvaluator
        var reader: ProcessCPUReader
        var outcomes: [Outcome]
    }

    /// What happened to a rule's firings after the evaluator's decision.
    private struct Outcome {
        var refused: UInt64 = 0
        var lastRefusal = ""
        var lastFiredAt: Date?
        var lastSessionID = ""
    }

    /// How often processes are read: the resolution of `for_seconds`.
    static let defaultInterval = Duration.seconds(1)

    init(rules: [TriggerRule], registry: SessionRegistry, history: (any PreTriggerHistory)? = nil,
         interval: Duration = defaultInterval, procRoot: String = "/proc",
         now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, logger: Logger) {
        self.rules = rules
        self.registry = registry
        self.history = history
        self.interval = interval
        self.now = now
        self.logger = logger
        state = Mutex(State(evaluator: TriggerEvaluator(rules: rules), reader: ProcessCPUReader(rules: rules, procRoot: procRoot),
                            outcomes: Array(repeating: Outcome(), count: rules.count)))
    }

    /// Reads, decides and starts sessions until the task is cancelled.
    func run() async {
        logger.info("watching processes for triggers", metadata: ["rules": "\(rules.map(\.name).joined(separator: ", "))"])
        while !Task.isCancelled {
            await tick()
            guard (try? await Task.sleep(for: interval)) != nil else { break }
        }
    }

    /// One round: read the processes, decide, start what fired.
    func tick() async {
        let now = now()
        let (decisions, admitted) = state.withLock { state in
            let samples = state.reader.read(at: now)
            return (state.evaluator.observe(samples, at: now), HistoryAdmission.processes(for: rules, seen: samples))
        }
        history?.record(only: admitted)
        for decision in decisions {
            switch decision {
            case .fire(let firing):
                await start(firing)
            case .suppressed(let firing, let why):
                logger.debug("trigger suppressed", metadata: [
                    "rule": "\(firing.ruleName)", "pid": "\(firing.pid)", "why": "\(Self.describe(why))"])
            }
        }
    }

    private func start(_ firing: TriggerFiring) async {
        let rule = rules[firing.rule]
        let firedAt = Date()
        let cause = TriggerCause(rule: rule.name, pid: firing.pid, command: firing.command, cpuPercent: firing.cpuPercent,
                                 hotSeconds: ProcessCPUReader.seconds(firing.hotFor), firedAt: firedAt)
        // Only CPU profiles take it: the history counts CPU samples, not off-CPU or wall time.
        let seed = rule.mode == .cpu ? history?.takeSeed(pid: firing.pid) : nil
        logger.info("trigger fired", metadata: [
            "rule": "\(rule.name)", "pid": "\(firing.pid)", "command": "\(firing.command)",
            "cpu_percent": "\(String(cFormat: "%.1f", firing.cpuPercent))",
            "hot_s": "\(String(cFormat: "%.1f", cause.hotSeconds))",
            "history_samples": "\(seed?.samples ?? 0)"])
        do {
            let started = try await registry.start(target: .process(pid: firing.pid), durationSeconds: rule.durationSeconds,
                                                   frequencyHz: rule.frequencyHz, unwind: rule.unwind, mode: rule.mode,
                                                   trigger: cause, seed: seed)
            state.withLock { state in
                state.outcomes[firing.rule].lastFiredAt = firedAt
                state.outcomes[firing.rule].lastSessionID = started.id
            }
        } catch {
            logger.warning("trigger's session refused", metadata: [
                "rule": "\(rule.name)", "pid": "\(firing.pid)", "reason": "\(error.message)"])
            state.withLock { state in
                state.outcomes[firing.rule].lastFiredAt = firedAt
                state.outcomes[firing.rule].refused += 1
                state.outcomes[firing.rule].lastRefusal = error.message
            }
        }
    }

    /// The pre-trigger history's state and cost, for GetStatus; nil without one.
    func historyStatus() -> HistoryStatus? { history?.status() }

    /// Each rule and what it has done, for GetStatus.
    func status() -> [TriggerStatus] {
        let now = now()
        return state.withLock { state in
            rules.enumerated().map { index, rule in
                let counters = state.evaluator.counters[index], outcome = state.outcomes[index]
                return TriggerStatus(rule: rule, fired: counters.fired - min(counters.fired, outcome.refused),
                                     suppressedCoolingDown: counters.suppressedCoolingDown,
                                     suppressedHourlyCap: counters.suppressedHourlyCap,
                                     refused: outcome.refused, lastRefusal: outcome.lastRefusal,
                                     lastFiredAt: outcome.lastFiredAt,
                                     firedLastHour: state.evaluator.firedLastHour(rule: index, at: now),
                                     lastSessionID: outcome.lastSessionID)
            }
        }
    }

    static func describe(_ suppression: TriggerSuppression) -> String {
        switch suppression {
        case .coolingDown(let remaining):
            "cooling down (cool_down_seconds): \(Int(ProcessCPUReader.seconds(remaining).rounded(.up))) s left"
        case .hourlyCap(let limit, let nextSlot):
            "fired \(limit) times in the last hour (max_per_hour): next in \(Int(ProcessCPUReader.seconds(nextSlot).rounded(.up))) s"
        }
    }
}
