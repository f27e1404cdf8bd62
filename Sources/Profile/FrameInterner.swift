/// Gives every distinct frame and function a small integer, so the statistics and the call tree
/// look each frame up once and then work on arrays.
///
/// Looking up every frame of every stack is the hot path of building a tree (20 000 stacks of
/// 40 frames are 800 000 lookups). `Dictionary<Frame, _>` spends most of that time in SipHash
/// over the strings; this table uses a cheap multiplicative hash over the UTF-8 bytes instead
/// (names come from the profiled binaries, not from an adversary).
///
/// A function is stored as the index of its first frame, not as a `FunctionIdentity` of its
/// own: a profile of a million distinct names held each name's identity three times over
/// (here, in the call tree's table and in the statistics), about 1.3 KB a name (issue 14).
struct FrameInterner {
    private(set) var frames: [Frame] = []
    /// For each interned frame, the index of its function.
    private(set) var functionOfFrame: [Int32] = []
    /// For each function, its first frame: the function's identity is that frame's.
    private var firstFrames: [Int32] = []
    private var frameHashes: [UInt64] = []
    private var functionHashes: [UInt64] = []
    /// Open addressing, linear probing; -1 marks an empty slot. Kept at most half full.
    private var slots = [Int32](repeating: -1, count: 1024)
    private var functionSlots = [Int32](repeating: -1, count: 1024)

    var functionCount: Int { firstFrames.count }

    func identity(ofFunction function: Int) -> FunctionIdentity { frames[Int(firstFrames[function])].identity }

    /// The function `identity` names, nil when no frame of it was interned.
    func function(of identity: FunctionIdentity) -> Int32? {
        findFunction(identity.function, identity.module, identity.kind, hash: identity.contentHash).known
    }

    /// The function of that name, module and kind, or the free slot where it would go.
    private func findFunction(_ name: String, _ module: String?, _ kind: Frame.Kind,
                              hash: UInt64) -> (known: Int32?, slot: Int) {
        let mask = functionSlots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let function = functionSlots[slot]
            if function < 0 { return (nil, slot) }
            let first = frames[Int(firstFrames[Int(function)])]
            if functionHashes[Int(function)] == hash && first.kind == kind && first.function == name
                && first.module == module {
                return (function, slot)
            }
            slot = (slot + 1) & mask
        }
    }

    /// Returns the frame's index; its function is `functionOfFrame[index]`.
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
        functionOfFrame.append(function(ofNew: frame, index: index))
        slots[slot] = index
        if frames.count * 2 > slots.count { Self.grow(&slots, hashes: frameHashes) }
        return index
    }

    /// Gives every frame the forms `forms` returns for it, and each function the short form
    /// of its frames. Forms take no part in equality or hashing: every index stays valid.
    mutating func replaceForms(_ forms: (Frame) -> NameForms?) {
        for index in frames.indices {
            let replaced = forms(frames[index])
            frames[index].forms = replaced
        }
    }

    private mutating func function(ofNew frame: Frame, index: Int32) -> Int32 {
        let hash = Self.hash(function: frame.function, module: frame.module, kind: frame.kind)
        let (known, slot) = findFunction(frame.function, frame.module, frame.kind, hash: hash)
        if let known { return known }
        let function = Int32(firstFrames.count)
        firstFrames.append(index)
        functionHashes.append(hash)
        functionSlots[slot] = function
        if firstFrames.count * 2 > functionSlots.count { Self.grow(&functionSlots, hashes: functionHashes) }
        return function
    }

    private static func grow(_ slots: inout [Int32], hashes: [UInt64]) {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// For each function, the frame to show for it: the one that carried the most samples
    /// (`weights` per frame), ties broken by `prefers` so the choice never depends on the
    /// order a dictionary happened to yield the stacks in.
    func representativeFrames(weights: [UInt64]) -> [Int32] {
        var best = [Int32](repeating: -1, count: functionCount)
        for frame in frames.indices {
            let function = Int(functionOfFrame[frame])
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

    /// What tells functions apart: name, module and kind. The module is hashed here (it is
    /// left out of a frame's hash) because an identity is looked up without its frame.
    static func hash(function: String, module: String?, kind: Frame.Kind) -> UInt64 {
        var hash = mix(0x5A, UInt64(kind.rawValue))
        hash = add(function, to: hash)
        if let module { hash = add(module, to: mix(hash, 1)) }
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
    static func hash(bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = add(bytes, to: 0)
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
        var order = [Int32](0..<Int32(functionCount))
        order.sort { left, right in
            Self.orders(frames[Int(firstFrames[Int(left)])], before: frames[Int(firstFrames[Int(right)])])
        }
        var renumbered = [Int32](repeating: 0, count: functionCount)
        for (rank, old) in order.enumerated() { renumbered[Int(old)] = Int32(rank) }
        for rank in order.indices { order[rank] = best[Int(order[rank])] }
        return (FunctionTable(interner: self, frameOfRank: order, rankOfFunction: renumbered), renumbered)
    }

    /// `FunctionIdentity`'s order, read off two frames without making identities.
    private static func orders(_ left: Frame, before right: Frame) -> Bool {
        FunctionIdentity.orders(left.function, left.module, left.kind,
                                before: right.function, right.module, right.kind)
    }
}
