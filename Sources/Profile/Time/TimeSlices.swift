/// A session's stack counts per second, in a bounded ring (default: the last 10 minutes), so
/// any window of it can be re-aggregated into a profile without sampling again.
///
/// The session feeds it after every drain with `record(_:second:)`: the stacks drained and the
/// monotonic second they belong to. A second already held gains the new counts (two drains a
/// second merge); a newer second evicts the ones that fall out of the ring, and those samples
/// are counted in `evictedSamples`, never silently gone. A drain older than the ring is
/// refused (returns false) and counted in `refusedSamples`.
///
/// Stacks are stored once, as interned frame runs (`SliceStackTable`); a slice holds 4-byte ids
/// and counts. The stack table only grows: a stack evicted from every slice keeps its run
/// (a long session of ever-new stacks is bounded by the engine's memory budget, which can
/// read `estimatedBytes`).
///
/// A session can be seeded (`seed(_:second:hz:)`) with seconds counted at another, lower
/// rate before its own began (the process list's rewind history): those seconds are the
/// `lowRate` part, all older than the ring's own seconds, and their samples are never
/// summed with the ring's own as if they were the same unit (`TimeSlices+Rates`).
public struct TimeSlices: Sendable {
    /// How many seconds the ring holds.
    public let capacity: Int
    private var ring: [TimeSlice?]
    private var table = SliceStackTable()
    /// The newest second recorded; nil until the first record.
    public private(set) var newestSecond: Int64?
    /// The oldest second ever recorded (seeded or not); nil until the first record. The
    /// seconds held start at the later of it and `heldSeconds.lowerBound`.
    public private(set) var firstSecond: Int64?
    /// The ring's own samples evicted and refused (the low-rate part counts its own).
    public private(set) var evictedSamples: UInt64 = 0
    public private(set) var refusedSamples: UInt64 = 0
    /// The seconds seeded at a lower rate; nil when the ring was never seeded.
    public private(set) var lowRate: LowRateSeconds?
    /// The oldest second recorded by `record` (not seeded): a seed must be older.
    private var firstOwnSecond: Int64?

    public static let defaultCapacity = 600

    /// `capacity` seconds of history (at least 1).
    public init(capacity: Int = TimeSlices.defaultCapacity) {
        self.capacity = max(1, capacity)
        ring = Array(repeating: nil, count: self.capacity)
    }

    // MARK: Feeding

    /// Adds one drain's stacks to the slice of `second` (a monotonic second index: the engine's
    /// `CLOCK_MONOTONIC` seconds, or seconds since the session began; any origin works as
    /// long as it is the same for every call). Recording empty counts still advances time,
    /// so a window anchored to "now" slides while the target idles.
    /// Returns false, counting the samples in `refusedSamples`, when `second` is older than
    /// the ring holds.
    /// A second at or before the low-rate part's newest is refused too: it was counted
    /// at another rate.
    @discardableResult
    public mutating func record(_ counts: StackCounts, second: Int64) -> Bool {
        if let lowRate, second <= lowRate.newestSecond {
            refusedSamples += counts.totalSamples
            return false
        }
        guard insert(counts, second: second) else {
            refusedSamples += counts.totalSamples
            return false
        }
        firstOwnSecond = min(firstOwnSecond ?? second, second)
        return true
    }

    /// Adds stacks counted at `hz` samples a second during `second`, before this ring's own
    /// seconds (a session seeded with the history recorded before it began). Every seed
    /// must share one rate and be older than every second `record` added; the samples
    /// of a refused seed are counted in `lowRate.refusedSamples` (or, before any seed
    /// was accepted, returned as false only).
    @discardableResult
    public mutating func seed(_ counts: StackCounts, second: Int64, hz: Int) -> Bool {
        var part = lowRate ?? LowRateSeconds(hz: hz, newestSecond: second)
        guard hz > 0, part.hz == hz, second < (firstOwnSecond ?? Int64.max),
              insert(counts, second: second) else {
            if lowRate != nil { lowRate!.refusedSamples += counts.totalSamples }
            return false
        }
        part.newestSecond = max(part.newestSecond, second)
        part.samples += counts.totalSamples
        lowRate = part
        return true
    }

    /// Whether `second` was counted at the low rate.
    public func isLowRate(_ second: Int64) -> Bool {
        lowRate.map { second <= $0.newestSecond } ?? false
    }

    private mutating func insert(_ counts: StackCounts, second: Int64) -> Bool {
        if let newestSecond, second <= newestSecond - Int64(capacity) { return false }
        if second > (newestSecond ?? Int64.min) { advance(to: second) }
        firstSecond = min(firstSecond ?? second, second)
        var pairs: [(id: UInt32, count: UInt64)] = []
        pairs.reserveCapacity(counts.uniqueStacks)
        for (stack, count) in counts.counts { pairs.append((table.id(of: stack), count)) }
        pairs.sort { $0.id < $1.id }
        let position = slot(of: second)
        var slice = ring[position] ?? TimeSlice(second: second)
        ring[position] = nil // so the slice's arrays are uniquely referenced while they grow
        slice.add(sorted: pairs)
        ring[position] = slice
        return true
    }

    /// Adds a drain that covered `interval` (monotonic seconds, as `record(_:second:)`): it goes
    /// to the second holding the interval's middle. A drain every ~0.5 s thus lands within
    /// half a drain of when its samples were taken; the kernel counts samples without their
    /// times, so no finer split is known.
    @discardableResult
    public mutating func record(_ counts: StackCounts, drainedOver interval: Range<Double>) -> Bool {
        let middle = (interval.lowerBound + interval.upperBound) / 2
        return record(counts, second: Int64(middle.rounded(.down)))
    }

    /// Adds every slice of `other` (another source's ring, or the low-rate history recorded
    /// before this session) to the same seconds here. Seconds older than this ring holds
    /// once both are merged are refused and counted.
    /// The other ring's low-rate seconds are seeded here at their rate.
    public mutating func merge(_ other: TimeSlices) {
        for slice in other.ring.compactMap({ $0 }).sorted(by: { $0.second < $1.second }) {
            var counts = StackCounts()
            for (id, count) in zip(slice.stackIDs, slice.counts) { counts.add(other.table[id], count: count) }
            if let part = other.lowRate, other.isLowRate(slice.second) {
                seed(counts, second: slice.second, hz: part.hz)
            } else {
                record(counts, second: slice.second)
            }
        }
        evictedSamples += other.evictedSamples
        refusedSamples += other.refusedSamples
    }

    private mutating func advance(to second: Int64) {
        defer { newestSecond = second }
        guard let newestSecond else { return }
        // The ring held (newest - capacity, newest]; it will hold (second - capacity, second].
        let capacity = Int64(capacity)
        let firstLeaving = newestSecond - capacity + 1
        let lastLeaving = min(second - capacity, newestSecond)
        guard firstLeaving <= lastLeaving else { return }
        for leaving in firstLeaving...lastLeaving {
            let position = slot(of: leaving)
            if let old = ring[position], old.second == leaving {
                if isLowRate(leaving) { lowRate!.evictedSamples += old.totalSamples } else { evictedSamples += old.totalSamples }
                ring[position] = nil
            }
        }
    }

    private func slot(of second: Int64) -> Int {
        let capacity = Int64(capacity)
        return Int(((second % capacity) + capacity) % capacity)
    }

    // MARK: Reading

    /// The seconds held, oldest to newest; nil before the first record.
    public var heldSeconds: ClosedRange<Int64>? {
        guard let newestSecond else { return nil }
        return (newestSecond - Int64(capacity) + 1)...newestSecond
    }

    /// The seconds a window stands for now, clamped to what the ring holds; nil when the window
    /// and the ring do not overlap (or nothing was recorded).
    public func seconds(of window: TimeWindow) -> ClosedRange<Int64>? {
        guard let held = heldSeconds else { return nil }
        let wanted: ClosedRange<Int64>
        switch window {
        case .all: return held
        case .last(let seconds):
            guard seconds > 0 else { return nil }
            wanted = (held.upperBound - Int64(seconds) + 1)...held.upperBound
        case .seconds(let range): wanted = range
        }
        guard wanted.overlaps(held) else { return nil }
        return wanted.clamped(to: held)
    }

    /// The profile of a window: the slices' counts summed, no sampling involved.
    public func profile(of window: TimeWindow) -> StackCounts {
        guard let range = seconds(of: window) else { return StackCounts() }
        var sums = [UInt64](repeating: 0, count: table.count)
        var seen: [UInt32] = []
        forEachSlice(in: range) { slice in
            for (id, count) in zip(slice.stackIDs, slice.counts) {
                if sums[Int(id)] == 0 { seen.append(id) }
                sums[Int(id)] += count
            }
        }
        return StackCounts(distinct: seen.map { (table[$0], sums[Int($0)]) })
    }

    /// Samples per second over a window, oldest first (0 for a second without samples): the
    /// timeline's sparkline.
    public func samplesPerSecond(in window: TimeWindow = .all) -> [UInt64] {
        guard let range = seconds(of: window) else { return [] }
        var result = [UInt64](repeating: 0, count: Int(range.upperBound - range.lowerBound + 1))
        forEachSlice(in: range) { slice in result[Int(slice.second - range.lowerBound)] = slice.totalSamples }
        return result
    }

    /// Samples held in a window.
    public func totalSamples(in window: TimeWindow = .all) -> UInt64 {
        samplesPerSecond(in: window).reduce(0, +)
    }

    private func forEachSlice(in range: ClosedRange<Int64>, _ body: (TimeSlice) -> Void) {
        for second in range {
            if let slice = ring[slot(of: second)], slice.second == second { body(slice) }
        }
    }

    /// Distinct stacks stored (over all the seconds ever recorded).
    public var uniqueStacks: Int { table.count }

    /// An estimate of the bytes this ring holds on the heap: the slices' arrays, the ring
    /// itself and the stack table. For the session's memory budget; it counts capacity, not
    /// just what is used, so it errs high.
    public var estimatedBytes: Int {
        let slices = ring.reduce(0) { $0 + ($1?.estimatedBytes ?? 0) }
        return slices + ring.count * MemoryLayout<TimeSlice?>.stride + table.estimatedBytes
    }
}
