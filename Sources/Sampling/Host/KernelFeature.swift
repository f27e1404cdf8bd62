/// Kernel features flametop probes at run time and can do without.
public enum KernelFeature: String, Sendable, CaseIterable, Hashable {
    /// BPF_MAP_LOOKUP_AND_DELETE_BATCH (5.6): without it, drain with a key loop.
    case batchMapOps = "batch"
    /// pidfd_open (5.3): without it, notice the target's exit by polling /proc.
    case pidfd = "pidfd"
}
