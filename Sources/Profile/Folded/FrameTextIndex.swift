/// Frame texts already read from a folded file, each with its frame's index: a distinct text
/// is parsed once. Hashes the UTF-8 bytes with `FrameInterner`'s cheap hash and compares
/// bytes, where `Dictionary<Substring, _>` spent most of the read in SipHash over
/// normalised strings. Texts that differ only in Unicode normalisation get two entries, and
/// `FrameInterner` then finds them to be one frame.
struct FrameTextIndex {
    private var texts: [Substring] = []
    private var hashes: [UInt64] = []
    private var values: [Int32] = []
    /// Open addressing, linear probing; -1 marks an empty slot. Kept at most half full.
    private var slots = [Int32](repeating: -1, count: 1024)

    /// The value stored for `text`, or nil; `hash` is `FrameInterner.hash(utf8:)` of it.
    func value(for text: Substring, hash: UInt64) -> Int32? {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            if hashes[Int(entry)] == hash && texts[Int(entry)].utf8.elementsEqual(text.utf8) {
                return values[Int(entry)]
            }
            slot = (slot + 1) & mask
        }
    }

    /// Stores `value` for a `text` not stored yet.
    mutating func insert(_ text: Substring, hash: UInt64, value: Int32) {
        let entry = Int32(texts.count)
        texts.append(text)
        hashes.append(hash)
        values.append(value)
        place(entry)
        if texts.count * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for entry in texts.indices { place(Int32(entry)) }
        }
    }

    private mutating func place(_ entry: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[Int(entry)]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = entry
    }
}
