/// The rewind history: what a low-rate system-wide sampler drained, per drain and per
/// process, as raw stacks with counts, bounded by seconds (`capacitySeconds`, the TUI's
/// `--history`) and by bytes (`byteBudget`): the oldest drains leave past either bound
/// and their samples are counted in `evictedSamples`. Identical stacks are stored once
/// per process (user stacks: addresses mean something only in their process) or once
/// for all (kernel stacks), and freed when no held drain uses them.
///
/// A value type with no I/O: the recorder keeps it behind a lock, tests drive it directly.
public struct RawHistoryRing: Sendable {
    /// The rate of the sampler that fills the ring (samples a second per CPU).
    public let hz: Int
    public let capacitySeconds: Int
    public let byteBudget: Int
    public static let defaultByteBudget = 16 << 20

    /// A count as stored: ids into the process's or the kernel's stack table (≥ 0) or a
    /// negative code. 20 bytes.
    private struct StoredCount {
        var pid: Int32
        var tid: Int32
        var user: Int32
        var kernel: Int32
        var count: UInt32
    }

    private struct Drain {
        var sequence: Int64
        var second: Int64
        var time: Double
        var counts: [StoredCount]

        var samples: UInt64 { counts.reduce(0) { $0 + UInt64($1.count) } }
        var bytes: Int { 64 + counts.capacity * MemoryLayout<StoredCount>.stride }
    }

    private struct Process {
        var comm: String
        var threadNames: [Int32: String] = [:]
        var stacks = RawStackTable()
        /// The newest drain that counted the process.
        var lastDrain: Int64

        var bytes: Int {
            160 + comm.utf8.count + threadNames.count * 56 + stacks.estimatedBytes
        }
    }

    /// Oldest first.
    private var drains: [Drain] = []
    private var processes: [Int32: Process] = [:]
    private var kernelStacks = RawStackTable()
    private var nextSequence: Int64 = 0
    private var drainBytes = 0
    public private(set) var newestSecond: Int64?
    /// Samples that left the ring past one of its bounds.
    public private(set) var evictedSamples: UInt64 = 0
    /// Drains that left the ring because the byte budget was spent (not by age).
    public private(set) var drainsEvictedForBytes = 0
    /// Samples held now.
    public private(set) var samples: UInt64 = 0
    /// Samples taken out for sessions (`takeSeed`).
    public private(set) var takenSamples: UInt64 = 0
    /// The processes `record` keeps; nil: every process. The service's triggers keep only
    /// those their rules could match, which bounds the ring by them rather than by the
    /// host. A process left out later keeps what it has until that ages out.
    public var admitted: Set<Int32>?

    public init(hz: Int, capacitySeconds: Int = 600, byteBudget: Int = RawHistoryRing.defaultByteBudget) {
        self.hz = hz
        self.capacitySeconds = max(1, capacitySeconds)
        self.byteBudget = byteBudget
    }

    // MARK: Feeding

    /// Adds one drain's samples of the admitted processes, whose interval's middle is `time`
    /// (`HistoryClock` seconds), then evicts what falls outside either bound. A drain with
    /// nothing in it only moves time on.
    public mutating func record(_ drained: [RawSample], at time: Double) {
        let drained = admitted.map { admitted in drained.filter { admitted.contains($0.pid) } } ?? drained
        let second = Int64(time.rounded(.down))
        newestSecond = max(newestSecond ?? second, second)
        if !drained.isEmpty {
            let sequence = nextSequence
            nextSequence += 1
            var counts: [StoredCount] = []
            counts.reserveCapacity(drained.count)
            for sample in drained {
                if processes[sample.pid] == nil { processes[sample.pid] = Process(comm: sample.comm, lastDrain: sequence) }
                // In place: a copy of the process out of the dictionary would copy its whole
                // stack table on the first change (copy-on-write), once per sample.
                let user = Self.note(sample, sequence: sequence, in: &processes[sample.pid]!)
                let kernel = Self.reference(sample.kernel) { kernelStacks.id(of: $0, drain: sequence) }
                // A drain covers about a second: a thread cannot reach 2³² samples in it.
                counts.append(StoredCount(pid: sample.pid, tid: sample.tid, user: user, kernel: kernel,
                                          count: UInt32(clamping: sample.count)))
                samples += sample.count
            }
            let drain = Drain(sequence: sequence, second: second, time: time, counts: counts)
            drainBytes += drain.bytes
            drains.append(drain)
        }
        evict()
    }

    /// Records `sample`'s thread and name in its process and returns its user stack's reference.
    private static func note(_ sample: RawSample, sequence: Int64, in process: inout Process) -> Int32 {
        process.lastDrain = sequence
        if sample.tid == sample.pid { process.comm = sample.comm }
        if process.threadNames[sample.tid] != sample.comm { process.threadNames[sample.tid] = sample.comm }
        return reference(sample.user) { process.stacks.id(of: $0, drain: sequence) }
    }

    private static func reference(_ stack: RawSample.Stack, intern: ([UInt64]) -> Int32) -> Int32 {
        switch stack {
        case .addresses(let addresses): return intern(addresses)
        case .missing(let code): return min(code, -1)
        }
    }

    /// Drops the oldest drains while the newest second is more than `capacitySeconds`
    /// ahead of them or the bytes exceed the budget, then frees what no held drain uses.
    private mutating func evict() {
        guard let newestSecond else { return }
        var evictedThrough: Int64?
        while let oldest = drains.first {
            let tooOld = oldest.second <= newestSecond - Int64(capacitySeconds)
            guard tooOld || estimatedBytes > byteBudget else { break }
            if !tooOld { drainsEvictedForBytes += 1 }
            let drain = drains.removeFirst()
            drainBytes -= drain.bytes
            evictedSamples += drain.samples
            samples -= drain.samples
            evictedThrough = drain.sequence
            if !tooOld { sweep(through: drain.sequence) }
        }
        if let evictedThrough { sweep(through: evictedThrough) }
    }

    private mutating func sweep(through sequence: Int64) {
        processes = processes.filter { $0.value.lastDrain > sequence }
        // Over a copy of the keys: iterating the dictionary while changing it would copy it,
        // and with it every stack table, on the first change.
        for pid in Array(processes.keys) { processes[pid]!.stacks.sweep(usedLastAtOrBefore: sequence) }
        kernelStacks.sweep(usedLastAtOrBefore: sequence)
    }

    // MARK: Taking

    /// Takes `pid`'s history out of the ring (it leaves the ring: the session that takes it
    /// owns it now); nil when the ring holds nothing of the process. The service's triggers
    /// and the TUI's Enter seed sessions this way.
    public mutating func takeSeed(pid: Int32) -> HistorySeed? {
        guard let process = processes.removeValue(forKey: pid) else { return nil }
        var seed = HistorySeed(pid: pid, comm: process.comm, hz: hz)
        seed.threadNames = process.threadNames
        for index in drains.indices {
            let mine = drains[index].counts.filter { $0.pid == pid }
            guard !mine.isEmpty else { continue }
            drainBytes -= drains[index].bytes
            drains[index].counts.removeAll { $0.pid == pid }
            drainBytes += drains[index].bytes
            var counts: [HistorySeed.Count] = []
            for count in mine {
                if count.user >= 0, seed.userStacks[count.user] == nil {
                    seed.userStacks[count.user] = process.stacks.addresses(of: count.user)
                }
                if count.kernel >= 0, seed.kernelStacks[count.kernel] == nil {
                    seed.kernelStacks[count.kernel] = kernelStacks.addresses(of: count.kernel)
                }
                counts.append(.init(tid: count.tid, user: count.user, kernel: count.kernel, count: UInt64(count.count)))
                samples -= UInt64(count.count)
                takenSamples += UInt64(count.count)
            }
            seed.drains.append(.init(time: drains[index].time, counts: counts))
        }
        drains.removeAll { drain in
            guard drain.counts.isEmpty else { return false }
            drainBytes -= drain.bytes
            return true
        }
        return seed
    }

    // MARK: Reading

    /// Processes with samples held.
    public var processCount: Int { processes.count }

    /// Seconds between the oldest and the newest drain held (0 with one or none).
    public var heldSpan: Double {
        guard let first = drains.first?.time, let last = drains.last?.time else { return 0 }
        return last - first
    }

    /// Samples held for one process.
    public func samples(of pid: Int32) -> UInt64 {
        drains.reduce(0) { total, drain in drain.counts.reduce(total) { $0 + ($1.pid == pid ? UInt64($1.count) : 0) } }
    }

    /// Distinct raw stacks held (user stacks of every process and kernel stacks).
    public var uniqueStacks: Int {
        processes.values.reduce(kernelStacks.count) { $0 + $1.stacks.count }
    }

    /// An estimate of the heap bytes held: the drains' count arrays (capacity), the
    /// processes with their names and stack tables, the kernel stack table. Errs high.
    public var estimatedBytes: Int {
        drainBytes + drains.capacity * MemoryLayout<Drain>.stride + kernelStacks.estimatedBytes
            + processes.values.reduce(0) { $0 + $1.bytes }
    }
}
