/// Gives every distinct frame and function a small integer, so the statistics and the call tree
/// hash each frame once and then work on arrays instead of string-keyed dictionaries.
struct FrameInterner {
    private(set) var frames: [Frame] = []
    /// For each interned frame, the index of its function in `identities`.
    private(set) var identityOfFrame: [Int32] = []
    private(set) var identities: [FunctionIdentity] = []
    private var frameIndex: [Frame: Int32] = [:]
    private var identityIndex: [FunctionIdentity: Int32] = [:]

    /// Returns the frame's index; its function is `identityOfFrame[index]`.
    mutating func intern(_ frame: Frame) -> Int32 {
        if let known = frameIndex[frame] { return known }
        let identity = frame.identity
        let function: Int32
        if let known = identityIndex[identity] {
            function = known
        } else {
            function = Int32(identities.count)
            identities.append(identity)
            identityIndex[identity] = function
        }
        let index = Int32(frames.count)
        frames.append(frame)
        identityOfFrame.append(function)
        frameIndex[frame] = index
        return index
    }

    func index(of identity: FunctionIdentity) -> Int32? { identityIndex[identity] }

    /// For each function, the frame to show for it: the one that carried the most samples
    /// (`weights` per frame), ties broken by `prefers` so the choice never depends on the
    /// order a dictionary happened to yield the stacks in.
    func representativeFrames(weights: [UInt64]) -> [Int32] {
        var best = [Int32](repeating: -1, count: identities.count)
        for frame in frames.indices {
            let function = Int(identityOfFrame[frame])
            let current = best[function]
            if current < 0 {
                best[function] = Int32(frame)
                continue
            }
            let weight = weights[frame], currentWeight = weights[Int(current)]
            if weight > currentWeight
                || (weight == currentWeight && Self.prefers(frames[frame], over: frames[Int(current)])) {
                best[function] = Int32(frame)
            }
        }
        return best
    }

    /// A frame with a source position beats one without; then the lower file and line; then a
    /// frame that is not inlined.
    static func prefers(_ candidate: Frame, over other: Frame) -> Bool {
        switch (candidate.sourcePosition, other.sourcePosition) {
        case (.some, .none): return true
        case (.none, .some): return false
        case let (.some(left), .some(right)) where left != right: return left < right
        default:
            if candidate.sourceFile != other.sourceFile {
                return (candidate.sourceFile ?? "") < (other.sourceFile ?? "")
            }
            if candidate.line != other.line { return (candidate.line ?? 0) < (other.line ?? 0) }
            return !candidate.isInlined && other.isInlined
        }
    }
}

extension FrameInterner {
    /// The functions seen, each with the frame to display for it, frozen for a tree.
    func functionTable(frameWeights: [UInt64]) -> FunctionTable {
        let best = representativeFrames(weights: frameWeights)
        return FunctionTable(identities: identities, frames: best.map { frames[Int($0)] })
    }
}
