/// Gives every distinct frame and function a small integer, so the statistics and the call tree
/// look each frame up once and then work on arrays.
///
/// Looking up every frame of every stack is the hot path of building a tree (20 000 stacks of
/// 40 frames are 800 000 lookups). `Dictionary<Frame, _>` spends most of that time in SipHash
/// over the strings; this table uses a cheap multiplicative hash over the UTF-8 bytes instead
/// (names come from the profiled binaries, not from an adversary).
struct FrameInterner {
    private(set) var frames: [Frame] = []
    /// For each interned frame, the index of its function in `identities`.
    private(set) var identityOfFrame: [Int32] = []
    private(set) var identities: [FunctionIdentity] = []
    private var identityIndex: [FunctionIdentity: Int32] = [:]
    private var frameHashes: [UInt64] = []
    /// Open addressing, linear probing; -1 marks an empty slot. Kept at most half full.
    private var slots = [Int32](repeating: -1, count: 1024)

    /// Returns the frame's index; its function is `identityOfFrame[index]`.
    mutating func intern(_ frame: Frame) -> Int32 {
        let hash = Self.hash(frame)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let index = slots[slot]
            if index < 0 { break }
            if frameHashes[Int(index)] == hash && frames[Int(index)] == frame { return index }
            slot = (slot + 1) & mask
        }
        let index = Int32(frames.count)
        frames.append(frame)
        frameHashes.append(hash)
        identityOfFrame.append(function(of: frame))
        slots[slot] = index
        if frames.count * 2 > slots.count { grow() }
        return index
    }

    /// Gives every frame the forms `forms` returns for it, and each function the short form
    /// of its frames. Forms take no part in equality or hashing: every index stays valid.
    mutating func replaceForms(_ forms: (Frame) -> NameForms?) {
        for index in frames.indices {
            let replaced = forms(frames[index])
            frames[index].forms = replaced
            identities[Int(identityOfFrame[index])].shortFunction = replaced?.short
        }
    }

    private mutating func function(of frame: Frame) -> Int32 {
        let identity = frame.identity
        if let known = identityIndex[identity] { return known }
        let function = Int32(identities.count)
        identities.append(identity)
        identityIndex[identity] = function
        return function
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in frameHashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

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

    /// A frame with a position (source line, or offset in stripped code) beats one without;
    /// then the lower position; then a frame that is not inlined.
    static func prefers(_ candidate: Frame, over other: Frame) -> Bool {
        switch (candidate.position, other.position) {
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

    // MARK: Hashing

    /// Module and file are left out: a profile has few of each, so they barely separate
    /// frames, and equality checks them anyway.
    static func hash(_ frame: Frame) -> UInt64 {
        var hash = mix(0, UInt64(frame.kind.rawValue) << 8 | (frame.isInlined ? 1 : 0))
        hash = add(frame.function, to: hash)
        hash = mix(hash, UInt64(bitPattern: Int64(frame.line ?? -1)))
        if let offset = frame.offsetInFunction { hash = mix(hash, offset) }
        // SplitMix64's finalizer, so the low bits that pick a slot depend on every input bit.
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    @inline(__always)
    private static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let product = (hash ^ word) &* 0x9E37_79B9_7F4A_7C15
        return product ^ (product >> 29)
    }

    /// The same byte hash, finalised, for a frame's text as it stands in a folded file.
    static func hash(utf8 text: Substring) -> UInt64 {
        var hash = text.utf8.withContiguousStorageIfAvailable { bytes in
            add(UnsafeRawBufferPointer(bytes), to: 0)
        } ?? add(String(text), to: 0)
        hash = (hash ^ (hash >> 30)) &* 0xBF58_476D_1CE4_E5B9
        hash = (hash ^ (hash >> 27)) &* 0x94D0_49BB_1331_11EB
        return hash ^ (hash >> 31)
    }

    private static func add(_ text: String, to hash: UInt64) -> UInt64 {
        if let result = text.utf8.withContiguousStorageIfAvailable({ bytes in
            add(UnsafeRawBufferPointer(bytes), to: hash)
        }) {
            return result
        }
        var copy = text
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable { bytes in
            add(UnsafeRawBufferPointer(bytes), to: hash)
        } ?? mix(hash, UInt64(text.utf8.count))
    }

    private static func add(_ bytes: UnsafeRawBufferPointer, to start: UInt64) -> UInt64 {
        var hash = start
        var offset = 0
        while offset + 8 <= bytes.count {
            hash = mix(hash, bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
        }
        var tail = UInt64(bytes.count) << 56
        var shift: UInt64 = 0
        while offset < bytes.count {
            tail |= UInt64(bytes[offset]) << shift
            shift += 8
            offset += 1
        }
        return mix(hash, tail)
    }
}

extension FrameInterner {
    /// The functions seen, sorted by name (so a function's index is its rank, and comparing
    /// indices compares names), each with the frame to display for it. `renumbered[i]` is the
    /// new index of function `i` of this interner.
    func sortedFunctionTable(frameWeights: [UInt64]) -> (table: FunctionTable, renumbered: [Int32]) {
        let best = representativeFrames(weights: frameWeights)
        let order = identities.indices.sorted { identities[$0] < identities[$1] }
        var renumbered = [Int32](repeating: 0, count: identities.count)
        for (rank, old) in order.enumerated() { renumbered[old] = Int32(rank) }
        let table = FunctionTable(identities: order.map { identities[$0] },
                                  frames: order.map { frames[Int(best[$0])] })
        return (table, renumbered)
    }
}
