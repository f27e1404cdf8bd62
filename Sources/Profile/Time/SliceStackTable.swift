/// Every distinct stack the time slices have seen, stored once as a run of interned frame
/// indices, so a slice refers to a stack by a 4-byte id instead of holding `Stack` values
/// (a `Frame` is about 80 bytes: one 40-frame stack is 3 KB as values, 160 bytes as a run).
///
/// Lookup is an open-addressing table over the runs (as in `FrameInterner`), so no second
/// copy of a stack is kept as a dictionary key.
struct SliceStackTable {
    private var interner = FrameInterner()
    /// Frame indices of every stack, back to back; stack `i` is `runs[starts[i]..<starts[i + 1]]`.
    private var runs: [Int32] = []
    private var starts: [Int32] = [0]
    private var hashes: [UInt64] = []
    /// Linear probing; -1 marks an empty slot. Kept at most half full.
    private var slots = [Int32](repeating: -1, count: 256)
    private var scratch: [Int32] = []
    /// Heap bytes of the frames' strings, for `estimatedBytes`.
    private var stringBytes = 0

    var count: Int { hashes.count }

    /// The id of `stack`, adding it the first time it is seen.
    mutating func id(of stack: Stack) -> UInt32 {
        scratch.removeAll(keepingCapacity: true)
        let framesBefore = interner.frames.count
        stack.frames.withUnsafeBufferPointer { frames in
            for frame in frames { scratch.append(interner.intern(frame)) }
        }
        for frame in interner.frames[framesBefore...] { stringBytes += Self.heapBytes(of: frame) }
        let hash = Self.hash(scratch)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 {
            let candidate = slots[slot]
            if hashes[Int(candidate)] == hash && run(of: UInt32(candidate)).elementsEqual(scratch) {
                return UInt32(candidate)
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(hashes.count)
        runs.append(contentsOf: scratch)
        starts.append(Int32(runs.count))
        hashes.append(hash)
        slots[slot] = id
        if hashes.count * 2 > slots.count { grow() }
        return UInt32(id)
    }

    /// The stack with this id, rebuilt from the frame table (frames are shared, not copied:
    /// their strings are reference counted).
    subscript(id: UInt32) -> Stack {
        let frames = interner.frames
        return Stack(run(of: id).map { frames[Int($0)] })
    }

    private func run(of id: UInt32) -> ArraySlice<Int32> {
        runs[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index)
        }
    }

    /// An estimate of the heap bytes held: each frame once (with its strings and the
    /// interner's hash, slot and function index), the index runs and the lookup table.
    var estimatedBytes: Int {
        let frames = interner.frames.count * (MemoryLayout<Frame>.stride + 8 + 2 * 4 + 4)
            + interner.functionCount * (4 + 8 + 2 * 4)
            + stringBytes
        let stacks = runs.count * 4 + starts.count * 4 + hashes.count * 8 + slots.count * 4
        return frames + stacks
    }

    /// Swift keeps strings of up to 15 UTF-8 bytes inline; a longer one owns a heap buffer
    /// (a 32-byte header plus the bytes).
    private static func heapBytes(of frame: Frame) -> Int {
        func bytes(_ text: String?) -> Int {
            guard let count = text?.utf8.count, count > 15 else { return 0 }
            return 32 + count
        }
        return bytes(frame.function) + bytes(frame.module) + bytes(frame.sourceFile)
    }

    private static func hash(_ run: [Int32]) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(run.count)
        for index in run {
            hash = (hash ^ UInt64(UInt32(bitPattern: index))) &* 0xBF58_476D_1CE4_E5B9
            hash ^= hash >> 29
        }
        return hash
    }
}
