import CProfilerABI

/// What the rewind history holds and what it costs, as figures: the TUI and the service
/// choose the words.
public struct HistoryStatus: Sendable {
    public enum Phase: Sendable {
        case stopped
        case starting
        case running
        /// Could not start (no root, no BPF, no perf events) or failed while running.
        case failed(SamplingError)
    }

    /// Measured cost: the drain thread's CPU time (CLOCK_THREAD_CPUTIME_ID) and the BPF
    /// program's run time (when the kernel keeps BPF statistics), over the last drains.
    public struct Cost: Sendable, Equatable {
        /// Share of one core the drain thread used over the recent drains; nil before two drains.
        public var drainCPUShare: Double?
        /// Share of one core the BPF program ran (it runs in the sampled tasks' context, so
        /// flametop's own CPU time does not include it); nil without kernel.bpf_stats_enabled.
        public var programCPUShare: Double?
        /// Bytes the kernel preallocated for the sampler's maps.
        public var kernelMapBytes = 0

        public init() {}

        mutating func update(with measured: HistoryCostMeter.Measurement) {
            drainCPUShare = measured.drainCPUShare
            programCPUShare = measured.programCPUShare
        }

        /// Both shares summed (the program's only when measured).
        public var cpuShare: Double? {
            drainCPUShare.map { $0 + (programCPUShare ?? 0) }
        }
    }

    /// The sampler's counters since it started (cumulative over runs of the recorder).
    public struct Counters: Sendable, Equatable {
        public var samplesCounted: UInt64 = 0
        /// Samples lost to a full counts map.
        public var droppedMapFull: UInt64 = 0
        /// Stacks lost to a full stacks map (user and kernel).
        public var stacksMapFull: UInt64 = 0

        public init() {}

        init(_ values: [UInt64]) {
            func value(_ counter: ft_counter) -> UInt64 { values[Int(counter.rawValue)] }
            samplesCounted = value(FT_SAMPLES_COUNTED)
            droppedMapFull = value(FT_SAMPLES_DROPPED_MAP_FULL)
            stacksMapFull = value(FT_USTACK_MAP_FULL) + value(FT_KSTACK_MAP_FULL)
        }
    }

    public var hz: Int
    public var phase: Phase
    /// Seconds between the oldest and the newest drain held.
    public var heldSeconds: Double
    public var processes: Int
    public var samples: UInt64
    public var evictedSamples: UInt64
    public var uniqueStacks: Int
    /// The ring's estimated heap bytes (`RawHistoryRing.estimatedBytes`) and its budget.
    public var ringBytes: Int
    public var byteBudget: Int
    public var cost: Cost
    public var counters: Counters

    public init(hz: Int, phase: Phase, heldSeconds: Double, processes: Int, samples: UInt64, evictedSamples: UInt64,
                uniqueStacks: Int, ringBytes: Int, byteBudget: Int, cost: Cost, counters: Counters) {
        self.hz = hz
        self.phase = phase
        self.heldSeconds = heldSeconds
        self.processes = processes
        self.samples = samples
        self.evictedSamples = evictedSamples
        self.uniqueStacks = uniqueStacks
        self.ringBytes = ringBytes
        self.byteBudget = byteBudget
        self.cost = cost
        self.counters = counters
    }
}
