/// What a session's counts measure. `cpu` samples on-CPU time (cpu-clock
/// events) and counts samples; `off` times blocks between context switches
/// (bpf/offcpu.bpf.c) and counts microseconds off the CPU; `wall` weights each
/// on-CPU sample by the sampling period and adds the off-CPU time, so a
/// thread's stacks add up to its wall-clock time, in microseconds.
public enum ProfileMode: String, Sendable, CaseIterable {
    case cpu, off, wall

    /// What one unit of a count is.
    public enum Unit: Sendable {
        case samples, microseconds
    }

    public var unit: Unit { self == .cpu ? .samples : .microseconds }

    /// Whether the off-CPU program runs.
    public var timesBlocks: Bool { self != .cpu }
    /// Whether the cpu-clock sampler runs.
    public var samplesCPU: Bool { self != .off }
    /// Off-CPU and wall stacks start with the thread (after the process, system-wide):
    /// a blocked thread's time is its own, not its process's.
    public var rootsByThread: Bool { self != .cpu }
}
