import FoundationEssentials

/// One rule as GetStatus shows it: its settings and what it has done since the service started.
public struct TriggerStatus: Sendable, Equatable {
    public var rule: TriggerRule
    /// Firings the service started a session for (`refused` not included).
    public var fired: UInt64
    public var suppressedCoolingDown: UInt64
    public var suppressedHourlyCap: UInt64
    /// Firings whose session the registry refused, and the last reason.
    public var refused: UInt64
    public var lastRefusal: String
    public var lastFiredAt: Date?
    /// Firings (started or refused) in the last hour: what max_per_hour counts.
    public var firedLastHour: Int
    public var lastSessionID: String
}
