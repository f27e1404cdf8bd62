import FoundationEssentials

/// Why a session was started by the service itself: the rule that fired, and what it
/// saw of the process. Kept with the session and its result, shown by GetStatus and the
/// result's metadata.
public struct TriggerCause: Sendable, Equatable {
    public var rule: String
    public var pid: Int32
    public var command: String
    public var cpuPercent: Double
    public var hotSeconds: Double
    public var firedAt: Date

    public init(rule: String, pid: Int32, command: String, cpuPercent: Double, hotSeconds: Double, firedAt: Date) {
        self.rule = rule
        self.pid = pid
        self.command = command
        self.cpuPercent = cpuPercent
        self.hotSeconds = hotSeconds
        self.firedAt = firedAt
    }
}
