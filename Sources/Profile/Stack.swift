/// A symbolic call stack, ordered root → leaf (the order of folded files).
public struct Stack: Hashable, Sendable {
    public var frames: [Frame]
    /// The thread it was sampled in, when the session keeps threads apart (for pprof's
    /// labels); nil merges the stack of every thread. Folded files cannot show it: their
    /// lines merge stacks that differ only here.
    public var thread: ThreadLabel?

    public init(_ frames: [Frame], thread: ThreadLabel? = nil) {
        self.frames = frames
        self.thread = thread
    }

    public var leaf: Frame? { frames.last }
    public var isEmpty: Bool { frames.isEmpty }

    /// The synthesized hash runs SipHash over every string of every frame: 10k stacks of
    /// 17 frames took 60 ms to hash (measured here, -O), more than a time window's whole
    /// budget. `FrameInterner`'s multiplicative hash over the same bytes is several times
    /// faster; equality still compares every field.
    public func hash(into hasher: inout Hasher) {
        var hash = UInt64(frames.count)
        if let thread { hash ^= UInt64(UInt32(bitPattern: thread.pid)) << 32 | UInt64(UInt32(bitPattern: thread.tid)) }
        frames.withUnsafeBufferPointer { frames in
            for frame in frames {
                hash = (hash ^ FrameInterner.hash(frame)) &* 0x9E37_79B9_7F4A_7C15
                hash ^= hash >> 29
            }
        }
        hasher.combine(hash)
    }
}
