/// The thread a stack was sampled in, for exports that label samples by thread (pprof's
/// `pid` and `thread` labels). Kept only when a session asks for it
/// (`SessionSettings.keepsThreads`): otherwise stacks of all threads merge.
public struct ThreadLabel: Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32

    public init(pid: Int32, tid: Int32) {
        self.pid = pid
        self.tid = tid
    }
}
