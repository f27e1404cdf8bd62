/// Counters of the off-CPU program (`--mode off|wall`), summed over the session.
/// Times are microseconds; counts are blocks (a task's time between leaving a CPU
/// and running again).
public struct OffCPUStatistics: Sendable, Equatable {
    /// Context switches the program ran for (every switch on the host).
    public var switches: UInt64 = 0
    /// Target tasks seen leaving a CPU.
    public var switchOuts: UInt64 = 0
    /// Blocks at or over the threshold, counted with their stacks, and their time.
    public var blocks: UInt64 = 0
    public var blockedMicroseconds: UInt64 = 0
    /// Blocks under the threshold: in the totals, not in the profile.
    public var shortBlocks: UInt64 = 0
    public var shortBlockedMicroseconds: UInt64 = 0
    /// Blocks that began before the session (no switch-out seen): counted from the
    /// session's start under a marker frame.
    public var blockedBeforeStart: UInt64 = 0
    /// Tasks still blocked when the session ended: counted up to the end.
    public var stillBlockedAtEnd: UInt64 = 0
    /// Switch-outs at the same place as the task's last one, whose user stack was
    /// kept instead of walked again.
    public var userStacksReused: UInt64 = 0

    /// Losses. A block not timed (no room for the task's entry), a block whose
    /// time was lost (counts map full) and that time.
    public var taskTableFull: UInt64 = 0
    /// Wake-ups of a task whose switch-out the program did not see: not timed.
    public var switchOutMissed: UInt64 = 0
    public var countsMapFull: UInt64 = 0
    public var lostMicroseconds: UInt64 = 0
    /// Blocks counted without one of their stacks, by cause.
    public var userStackMapFull: UInt64 = 0
    public var kernelStackMapFull: UInt64 = 0
    public var userStackUnreadable: UInt64 = 0
    public var kernelStackUnreadable: UInt64 = 0
    public var stackOtherErrors: UInt64 = 0

    public init() {}

    /// Off-CPU time the profile holds plus the short blocks' (all the time measured).
    public var measuredMicroseconds: UInt64 { blockedMicroseconds + shortBlockedMicroseconds }
}
