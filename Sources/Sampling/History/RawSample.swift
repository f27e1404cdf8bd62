/// One count as the history's sampler drained it: a thread's samples with the same raw
/// stacks, not yet symbolized.
public struct RawSample: Sendable, Equatable {
    /// A stack as the kernel captured it: addresses leaf first, or why there is none
    /// (the BPF program's negative code: -EFAULT, FT_STACK_MAP_FULL, FT_STACK_NOT_CAPTURED).
    public enum Stack: Sendable, Hashable {
        case addresses([UInt64])
        case missing(code: Int32)
    }

    public var pid: Int32
    public var tid: Int32
    /// The thread's command name.
    public var comm: String
    public var user: Stack
    public var kernel: Stack
    public var count: UInt64

    public init(pid: Int32, tid: Int32, comm: String, user: Stack, kernel: Stack, count: UInt64) {
        self.pid = pid
        self.tid = tid
        self.comm = comm
        self.user = user
        self.kernel = kernel
        self.count = count
    }
}

extension RawSample {
    /// A stack the counts named but the stacks map no longer held at the drain.
    public static let goneAtDrain = Int32.min
}
