/// Decides when trigger rules fire, from CPU samples and the time they were taken: no
/// clock, no /proc, so every rule of cool-down and cap is tested with made-up instants.
///
/// A process is hot for a rule while each sample shows it above the rule's threshold; it
/// has been hot since the start of the first such sample's interval. Once it has been hot
/// for `for_seconds`, the rule fires unless it is cooling down (it fired less than
/// `cool_down_seconds` ago) or at its cap (`max_per_hour` firings in the last hour); both
/// are per rule, whichever process fired it. Either way the process's hot time starts
/// again, so a process that stays hot is decided about once per `for_seconds`, and a
/// suppression is counted that often, not at every sample.
public struct TriggerEvaluator: Sendable {
    public let rules: [TriggerRule]
    /// (rule, process) → hot since. Only processes hot in the last sample are kept.
    private var hotSince: [HotKey: ContinuousClock.Instant] = [:]
    /// Per rule, its firings in the last hour, oldest first (at most max_per_hour).
    private var firings: [[ContinuousClock.Instant]]
    public private(set) var counters: [Counters]

    static let hour = Duration.seconds(3_600)

    /// What each rule has done.
    public struct Counters: Sendable, Equatable {
        public var fired: UInt64 = 0
        public var suppressedCoolingDown: UInt64 = 0
        public var suppressedHourlyCap: UInt64 = 0
    }

    private struct HotKey: Hashable {
        var rule: Int
        var pid: Int32
        var startTicks: UInt64
    }

    public init(rules: [TriggerRule]) {
        self.rules = rules
        firings = Array(repeating: [], count: rules.count)
        counters = Array(repeating: Counters(), count: rules.count)
    }

    /// Takes the processes' usage over the interval ending `now` (processes not in
    /// `samples` are not hot) and returns what the rules decided, rule by rule, the
    /// hottest process first.
    public mutating func observe(_ samples: [ProcessCPUSample], at now: ContinuousClock.Instant) -> [TriggerDecision] {
        var decisions: [TriggerDecision] = []
        var stillHot: [HotKey: ContinuousClock.Instant] = [:]
        for (index, rule) in rules.enumerated() {
            firings[index].removeAll { now - $0 >= Self.hour }
            let hot = samples.filter { $0.cpuPercent > rule.cpuPercent && rule.match.matches($0) }
                .sorted { $0.cpuPercent != $1.cpuPercent ? $0.cpuPercent > $1.cpuPercent : $0.pid < $1.pid }
            for sample in hot {
                let key = HotKey(rule: index, pid: sample.pid, startTicks: sample.startTicks)
                let since = hotSince[key] ?? sample.measuredSince
                let hotFor = now - since
                guard hotFor >= .seconds(rule.forSeconds) else {
                    stillHot[key] = since
                    continue
                }
                let firing = TriggerFiring(rule: index, ruleName: rule.name, pid: sample.pid, command: sample.command,
                                           cpuPercent: sample.cpuPercent, hotFor: hotFor)
                decisions.append(decide(firing, rule: rule, at: now))
                stillHot[key] = now
            }
        }
        hotSince = stillHot
        return decisions
    }

    private mutating func decide(_ firing: TriggerFiring, rule: TriggerRule, at now: ContinuousClock.Instant) -> TriggerDecision {
        let index = firing.rule
        if let last = firings[index].last, now - last < .seconds(rule.coolDownSeconds) {
            counters[index].suppressedCoolingDown += 1
            return .suppressed(firing, .coolingDown(remaining: .seconds(rule.coolDownSeconds) - (now - last)))
        }
        if firings[index].count >= rule.maxPerHour, let oldest = firings[index].first {
            counters[index].suppressedHourlyCap += 1
            return .suppressed(firing, .hourlyCap(limit: rule.maxPerHour, nextSlot: Self.hour - (now - oldest)))
        }
        firings[index].append(now)
        counters[index].fired += 1
        return .fire(firing)
    }

    /// The rule's firings within the hour before `now`.
    public func firedLastHour(rule: Int, at now: ContinuousClock.Instant) -> Int {
        firings[rule].filter { now - $0 < Self.hour }.count
    }
}
