import Glibc

/// Frame texts already read from a folded file, each with its frame's index: a distinct text
/// is parsed once. Looks bytes up (`FrameInterner`'s cheap hash, then `memcmp` against a copy
/// of each distinct text kept in one buffer), so a frame seen before costs no `Substring`,
/// no retain and no release: those were a third of reading a million lines. Texts that differ
/// only in Unicode normalisation get two entries, and `FrameInterner` then finds them to be one frame.
struct FrameTextIndex {
    /// Every distinct text's bytes, end to end; text `i` is `starts[i]..<starts[i + 1]`.
    private var bytes: [UInt8] = []
    private var starts: [Int] = [0]
    private var hashes: [UInt64] = []
    private var values: [Int32] = []
    /// Open addressing, linear probing; -1 marks an empty slot. Kept at most half full.
    private var slots = [Int32](repeating: -1, count: 1024)

    /// The value stored for `text`, or nil; `hash` is `FrameInterner.hash(bytes:)` of it.
    func value(for text: UnsafeRawBufferPointer, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        return bytes.withUnsafeBytes { stored in
            while true {
                let entry = slots[slot]
                if entry < 0 { return nil }
                if hashes[Int(entry)] == hash {
                    let start = starts[Int(entry)], length = starts[Int(entry) + 1] - start
                    if length == text.count
                        && (length == 0 || memcmp(stored.baseAddress! + start, text.baseAddress!, length) == 0) {
                        return values[Int(entry)]
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// Stores `value` for a `text` not stored yet.
    mutating func insert(_ text: UnsafeRawBufferPointer, hash: UInt64, value: Int32) {
        let entry = Int32(hashes.count)
        bytes.append(contentsOf: text)
        starts.append(bytes.count)
        hashes.append(hash)
        values.append(value)
        place(entry)
        if hashes.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for entry in hashes.indices { place(Int32(entry)) }
        }
    }

    private mutating func place(_ entry: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[Int(entry)]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = entry
    }
}
