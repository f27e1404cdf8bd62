/// Raw stacks (addresses, leaf first) stored once each, by a small id, with the newest
/// drain that used each: the rewind history keeps stacks unsymbolized (symbolizing every
/// process at the history's rate would cost more than sampling it), and a stack no held
/// drain uses any more is freed (`sweep`), so the table is bounded by the ring.
struct RawStackTable: Sendable {
    private var stacks: [[UInt64]?] = []
    private var ids: [[UInt64]: Int32] = [:]
    /// Per id: the sequence number of the newest drain that used it.
    private var lastUse: [Int64] = []
    private var free: [Int32] = []
    /// What `estimatedBytes` counts for the stacks held now.
    private(set) var estimatedBytes = 0

    var count: Int { ids.count }

    /// The id of `addresses`, storing them the first time; `drain` is the using drain's
    /// sequence number.
    mutating func id(of addresses: [UInt64], drain: Int64) -> Int32 {
        if let id = ids[addresses] {
            lastUse[Int(id)] = max(lastUse[Int(id)], drain)
            return id
        }
        let id: Int32
        if let reused = free.popLast() {
            id = reused
            stacks[Int(id)] = addresses
            lastUse[Int(id)] = drain
        } else {
            id = Int32(stacks.count)
            stacks.append(addresses)
            lastUse.append(drain)
        }
        ids[addresses] = id
        estimatedBytes += Self.bytes(of: addresses)
        return id
    }

    func addresses(of id: Int32) -> [UInt64]? {
        stacks.indices.contains(Int(id)) ? stacks[Int(id)] : nil
    }

    /// Frees every stack whose newest use is at or before drain `sequence`.
    mutating func sweep(usedLastAtOrBefore sequence: Int64) {
        for index in stacks.indices where lastUse[index] <= sequence {
            guard let addresses = stacks[index] else { continue }
            ids[addresses] = nil
            stacks[index] = nil
            free.append(Int32(index))
            estimatedBytes -= Self.bytes(of: addresses)
        }
    }

    /// An array's heap buffer (32-byte header plus the addresses), its dictionary entry
    /// (key, value and about as much again for the table's free slots), the id arrays'
    /// slots (the stacks array, `lastUse`). Errs high.
    static func bytes(of addresses: [UInt64]) -> Int {
        32 + addresses.count * 8 + 2 * (8 + 4) + 8 + 8 + 8
    }
}
