/// The thread a stack was sampled in, for exports that label samples by thread (pprof's
/// `pid` and `thread` labels). Kept only when a session asks for it
/// (`SessionSettings.keepsThreads`): otherwise stacks of all threads merge.
public struct ThreadLabel: Hashable, Sendable {
    public var pid: Int32
    public var tid: Int32
    /// The thread's name (`comm`, which a thread may set itself) when it was sampled.
    public var name: String?

    public init(pid: Int32, tid: Int32, name: String? = nil) {
        self.pid = pid
        self.tid = tid
        self.name = name
    }

    /// How a per-thread view roots the thread's stacks: `name (tid 1234)`.
    public var rootFrame: Frame {
        Frame(function: "\(name ?? "thread") (tid \(tid))", kind: .thread)
    }
}
