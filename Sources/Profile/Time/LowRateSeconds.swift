/// The seconds of a `TimeSlices` ring that were counted at another, lower rate before the
/// ring's own seconds: a session seeded with the history the process list recorded
/// system-wide before the process was chosen. Every second up to `newestSecond` is
/// low-rate, every later one is the ring's own.
public struct LowRateSeconds: Sendable, Equatable {
    /// Samples a second (per CPU) the low-rate seconds were counted at.
    public let hz: Int
    /// The newest low-rate second.
    public internal(set) var newestSecond: Int64
    /// Low-rate samples seeded (including those evicted since).
    public internal(set) var samples: UInt64 = 0
    /// Low-rate samples that left the ring as newer seconds came.
    public internal(set) var evictedSamples: UInt64 = 0
    /// Low-rate samples refused: older than the ring held, or at another rate.
    public internal(set) var refusedSamples: UInt64 = 0

    init(hz: Int, newestSecond: Int64) {
        self.hz = hz
        self.newestSecond = newestSecond
    }
}
