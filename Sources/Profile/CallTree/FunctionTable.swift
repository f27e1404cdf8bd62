/// The functions a call tree refers to by small index, with the frame shown for each.
/// Shared unchanged by a tree and the trees derived from it. Indices follow `FunctionIdentity`
/// order, so sorting by index sorts by name; only a function added by `include` (the root of a
/// tree focused on a function the profile never saw) breaks that, and a root has no siblings.
///
/// Names and frames stay in the `FrameInterner` the tree was built from (shared, not copied);
/// the table adds two 32-bit indices per function.
struct FunctionTable: Sendable {
    private let interner: FrameInterner
    /// By index: the frame shown for the function.
    private let frameOfRank: [Int32]
    /// By the interner's function number: its index here.
    private let rankOfFunction: [Int32]
    /// Functions `include` added, after the interner's; shown as bare frames.
    private var included: [FunctionIdentity] = []

    init(interner: FrameInterner, frameOfRank: [Int32], rankOfFunction: [Int32]) {
        self.interner = interner
        self.frameOfRank = frameOfRank
        self.rankOfFunction = rankOfFunction
    }

    var count: Int { frameOfRank.count + included.count }

    func identity(_ index: Int) -> FunctionIdentity {
        index < frameOfRank.count ? interner.frames[Int(frameOfRank[index])].identity
            : included[index - frameOfRank.count]
    }

    /// The function's representative frame: the one that carried the most samples.
    func frame(_ index: Int) -> Frame {
        if index < frameOfRank.count { return interner.frames[Int(frameOfRank[index])] }
        let identity = included[index - frameOfRank.count]
        return Frame(function: identity.function, module: identity.module, kind: identity.kind)
    }

    /// The function's name, without making its identity.
    func name(_ index: Int) -> String {
        index < frameOfRank.count ? interner.frames[Int(frameOfRank[index])].function
            : included[index - frameOfRank.count].function
    }

    func index(of identity: FunctionIdentity) -> Int32? {
        if let function = interner.function(of: identity) { return rankOfFunction[Int(function)] }
        return included.firstIndex(of: identity).map { Int32(frameOfRank.count + $0) }
    }

    /// The index of `identity`, adding it (shown as a bare frame) when the profile never saw it.
    mutating func include(_ identity: FunctionIdentity) -> Int32 {
        if let known = index(of: identity) { return known }
        included.append(identity)
        return Int32(count - 1)
    }
}
