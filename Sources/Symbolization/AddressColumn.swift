/// Symbol start addresses in the order added, 4 bytes each while they all share their upper
/// 32 bits, 8 bytes from the first one that does not. A kernel's text, its modules and its
/// BPF programs lie within a few GB of each other (x86-64: all in the top 2 GB, under
/// 0xffffffff…), so the narrow form is the usual one and saves half a megabyte.
struct AddressColumn {
    /// The shared upper half, in place (low 32 bits zero), while `wide` is nil.
    private var high: UInt64 = 0
    private var lows: MappedBuffer<UInt32>
    /// Set from the first address with another upper half; `lows` is then empty.
    private var wide: MappedBuffer<UInt64>?

    init(reservingCapacity capacity: Int) {
        lows = MappedBuffer(reservingCapacity: capacity)
    }

    var count: Int { wide?.count ?? lows.count }
    var isEmpty: Bool { count == 0 }

    /// Setting may only move addresses already in the column (sorting), not bring new ones.
    subscript(position: Int) -> UInt64 {
        get {
            if let wide { return wide[position] }
            return high | UInt64(lows[position])
        }
        nonmutating set {
            if let wide { return wide[position] = newValue }
            assert(newValue & Self.highMask == high, "a new upper half must go through append")
            lows[position] = UInt32(truncatingIfNeeded: newValue)
        }
    }

    mutating func append(_ address: UInt64) {
        if let wide { return wide.append(address) }
        if lows.isEmpty {
            high = address & Self.highMask
        } else if address & Self.highMask != high {
            widen()
            return append(address)
        }
        lows.append(UInt32(truncatingIfNeeded: address))
    }

    func truncate(to newCount: Int) {
        if let wide { return wide.truncate(to: newCount) }
        lows.truncate(to: newCount)
    }

    func shrinkToFit() {
        wide?.shrinkToFit()
        lows.shrinkToFit()
    }

    /// The position of the last address at or below `address`, nil when all lie above it.
    func lastPosition(atOrBelow address: UInt64) -> Int? {
        if let wide { return Self.lastPosition(atOrBelow: address, in: wide) }
        let addressHigh = address & Self.highMask
        if addressHigh < high || lows.isEmpty { return nil }
        if addressHigh > high { return lows.count - 1 }
        return Self.lastPosition(atOrBelow: UInt32(truncatingIfNeeded: address), in: lows)
    }

    private static let highMask: UInt64 = 0xffff_ffff_0000_0000

    private static func lastPosition<Value: FixedWidthInteger>(atOrBelow value: Value,
                                                               in sorted: MappedBuffer<Value>) -> Int? {
        let base = sorted.base
        let atOrBelow = partitionPoint(0..<sorted.count) { base[$0] > value }
        return atOrBelow > 0 ? atOrBelow - 1 : nil
    }

    /// Moves to 8-byte storage: one copy, once, for a kernel whose symbols span more than 4 GB.
    private mutating func widen() {
        let addresses = MappedBuffer<UInt64>(reservingCapacity: max(lows.count * 2, 1))
        for position in 0..<lows.count { addresses.append(high | UInt64(lows[position])) }
        wide = addresses
        lows = MappedBuffer(reservingCapacity: 1)
    }
}
