/// The functions a call tree refers to by small index, with the frame shown for each.
/// Shared unchanged by a tree and the trees derived from it. Indices follow `FunctionIdentity`
/// order, so sorting by index sorts by name; only a function added by `include` (the root of a
/// tree focused on a function the profile never saw) breaks that, and a root has no siblings.
struct FunctionTable: Sendable {
    private(set) var identities: [FunctionIdentity]
    /// The representative frame of each function (same order as `identities`).
    private(set) var frames: [Frame]
    private var indexes: [FunctionIdentity: Int32]

    init(identities: [FunctionIdentity], frames: [Frame]) {
        self.identities = identities
        self.frames = frames
        var indexes: [FunctionIdentity: Int32] = [:]
        indexes.reserveCapacity(identities.count)
        for (index, identity) in identities.enumerated() { indexes[identity] = Int32(index) }
        self.indexes = indexes
    }

    func index(of identity: FunctionIdentity) -> Int32? { indexes[identity] }

    /// The index of `identity`, adding it (shown as a bare frame) when the profile never saw it.
    mutating func include(_ identity: FunctionIdentity) -> Int32 {
        if let known = indexes[identity] { return known }
        let index = Int32(identities.count)
        identities.append(identity)
        frames.append(Frame(function: identity.function, module: identity.module, kind: identity.kind))
        indexes[identity] = index
        return index
    }
}
