/// What a trigger rule decided about a process that has been hot long enough.
public enum TriggerDecision: Sendable, Equatable {
    /// Start a session.
    case fire(TriggerFiring)
    /// The condition held, but the rule may not start a session now.
    case suppressed(TriggerFiring, TriggerSuppression)

    public var firing: TriggerFiring {
        switch self {
        case .fire(let firing), .suppressed(let firing, _): firing
        }
    }
}

/// The rule and the process a decision is about, and what was seen of it.
public struct TriggerFiring: Sendable, Equatable {
    /// The rule's index in the configuration, and its name.
    public var rule: Int
    public var ruleName: String
    public var pid: Int32
    public var command: String
    /// Over the last interval.
    public var cpuPercent: Double
    /// How long the process had been above the threshold.
    public var hotFor: Duration
}

/// Why a rule whose condition held did not fire.
public enum TriggerSuppression: Sendable, Equatable {
    /// It fired less than cool_down_seconds ago; it may again after `remaining`.
    case coolingDown(remaining: Duration)
    /// It fired max_per_hour times in the last hour; the oldest of those leaves the
    /// hour after `nextSlot`.
    case hourlyCap(limit: Int, nextSlot: Duration)
}
