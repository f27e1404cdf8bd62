import Glibc

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
            if hashes[Int(entry)] == hash && Self.sameBytes(texts[Int(entry)], text) {
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

    private static func sameBytes(_ left: Substring, _ right: Substring) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        // The generic elementsEqual over UTF8View took a fifth of a large read.
        let compared = left.utf8.withContiguousStorageIfAvailable { leftBytes in
            right.utf8.withContiguousStorageIfAvailable { rightBytes in
                leftBytes.isEmpty || memcmp(leftBytes.baseAddress!, rightBytes.baseAddress!, leftBytes.count) == 0
            }
        }
        if case .some(.some(let same)) = compared { return same }
        return left.utf8.elementsEqual(right.utf8)
    }

    private mutating func place(_ entry: Int32) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hashes[Int(entry)]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = entry
    }
}
