/// Kernel text symbols in address order, kept compact: kallsyms gives no sizes (a symbol
/// ends where the next begins), so a symbol is its start, where its name lies in one packed
/// byte buffer, and its module tag: 12 bytes plus the name, ~4.3 MB for a 122k-symbol kernel.
///
/// Kernels built with function padding (6.2+, x86 call-depth tracking and FineIBT) list a
/// `__pfx_NAME` symbol for the bytes before nearly every function: half of all text
/// symbols. One that kallsyms lists right before its function is kept as a byte on that
/// function (how far the padding reaches below its start) instead of an entry of its own,
/// and named from it: on a 6.18 kernel with 122k text symbols, 58k entries fewer.
///
/// Immutable once built: the builder hands over its buffers and nothing writes them again,
/// which is what makes sharing the raw storage across threads sound.
final class KernelSymbolTable: @unchecked Sendable {
    private let starts: AddressColumn
    private let nameOffsets: MappedBuffer<UInt32>
    private let nameLengths: MappedBuffer<UInt16>
    private let tags: MappedBuffer<UInt16>
    private let paddings: MappedBuffer<UInt8>
    private let names: MappedBuffer<UInt8>

    var count: Int { starts.count }
    fileprivate static let paddingPrefix = Array("__pfx_".utf8)

    private init(builder: borrowing Builder) {
        starts = builder.starts
        nameOffsets = builder.nameOffsets
        nameLengths = builder.nameLengths
        tags = builder.tags
        paddings = builder.paddings
        names = builder.names
    }

    /// The symbol covering `address`: the nearest one starting at or below it, or the one
    /// whose padding holds it (`inPadding`). The last one reaches to the top of the address
    /// space, exclusive (as unsized symbols in `SymbolIndex`).
    func locate(_ address: UInt64) -> (index: Int, inPadding: Bool)? {
        guard address != .max else { return nil }
        let found = starts.lastPosition(atOrBelow: address)
        let next = (found ?? -1) + 1
        if next < count, paddings[next] > 0, address >= starts[next] - UInt64(paddings[next]) {
            return (next, true)
        }
        return found.map { ($0, false) }
    }

    /// Bytes of padding right below the symbol's start (0: none).
    func padding(at index: Int) -> UInt64 { UInt64(paddings[index]) }

    func name(at index: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: names.base + Int(nameOffsets[index]),
                                             count: Int(nameLengths[index])), as: UTF8.self)
    }

    func start(at index: Int) -> UInt64 { starts[index] }
    /// The module tag given to `Builder.add` (0 for the core kernel).
    func tag(at index: Int) -> UInt16 { tags[index] }

    /// Takes symbols as kallsyms lists them. The core kernel comes in address order, with
    /// aliases on consecutive lines: those are merged as they arrive, leaving nothing to sort.
    /// Module and BPF symbols come per module in no particular order: from the first address
    /// below its predecessor, the rest is sorted at the end through a permutation of indexes.
    struct Builder {
        /// Room for a large distribution kernel with modules (a 6.x x86 kernel has ~120k text
        /// symbols, ~24 bytes of name each); beyond it the buffers move once.
        static let reservedSymbols = 1 << 22
        static let reservedNameBytes = 1 << 27

        fileprivate var starts: AddressColumn
        fileprivate let nameOffsets: MappedBuffer<UInt32>
        fileprivate let nameLengths: MappedBuffer<UInt16>
        fileprivate let tags: MappedBuffer<UInt16>
        fileprivate let paddings: MappedBuffer<UInt8>
        fileprivate let names: MappedBuffer<UInt8>
        /// Needed only to settle aliases the sort brings together; dropped with the builder.
        private let ranks: MappedBuffer<UInt8>
        /// The last start added (read back from `starts` would cost more on every line).
        private var lastStart: UInt64 = 0
        /// The symbols before this position have strictly increasing starts.
        private var sortedCount = 0
        /// A `__pfx_` symbol waiting for the function it pads (kallsyms lists it right before).
        private var pendingPadding: (start: UInt64, name: [UInt8], rank: UInt8, tag: UInt16)?

        init(reservedSymbols: Int = Self.reservedSymbols, reservedNameBytes: Int = Self.reservedNameBytes) {
            starts = AddressColumn(reservingCapacity: reservedSymbols)
            nameOffsets = MappedBuffer(reservingCapacity: reservedSymbols)
            nameLengths = MappedBuffer(reservingCapacity: reservedSymbols)
            tags = MappedBuffer(reservingCapacity: reservedSymbols)
            paddings = MappedBuffer(reservingCapacity: reservedSymbols)
            ranks = MappedBuffer(reservingCapacity: reservedSymbols)
            names = MappedBuffer(reservingCapacity: reservedNameBytes)
        }

        /// Adds a symbol. Among symbols at one address the highest `rank` names it, the
        /// first added among equals. Names longer than 64 KB are cut (kallsyms' limit is 512).
        mutating func add(start: UInt64, name: UnsafeBufferPointer<UInt8>, rank: UInt8, tag: UInt16) {
            let prefix = KernelSymbolTable.paddingPrefix
            if name.count > prefix.count, name.starts(with: prefix) {
                flushPendingPadding()
                pendingPadding = (start, Array(name), rank, tag)
                return
            }
            var padding: UInt8 = 0
            if let pending = pendingPadding, start > pending.start, start - pending.start <= UInt64(UInt8.max),
               pending.tag == tag, pending.name.dropFirst(prefix.count).elementsEqual(name) {
                pendingPadding = nil
                padding = UInt8(start - pending.start)
            } else {
                flushPendingPadding()
            }
            addSymbol(start: start, name: name, rank: rank, tag: tag, padding: padding)
        }

        /// A padding symbol no function followed: it is a symbol of its own.
        private mutating func flushPendingPadding() {
            guard let pending = pendingPadding else { return }
            pendingPadding = nil
            pending.name.withUnsafeBufferPointer { addSymbol(start: pending.start, name: $0, rank: pending.rank,
                                                             tag: pending.tag, padding: 0) }
        }

        private mutating func addSymbol(start: UInt64, name: UnsafeBufferPointer<UInt8>, rank: UInt8, tag: UInt16,
                                        padding: UInt8) {
            let name = UnsafeBufferPointer(rebasing: name.prefix(Int(UInt16.max)))
            guard !name.isEmpty, names.count + name.count <= Int(UInt32.max) else { return }
            if lastStart == start, !starts.isEmpty {
                // An alias on the line before: keep the better name only. Its name is the last
                // one in `names` (every add leaves it so), and its position stays the earlier
                // one's, which keeps first-added order right for aliases a later sort brings in.
                let last = starts.count - 1
                guard rank > ranks[last] else { return }
                names.truncate(to: Int(nameOffsets[last]))
                names.append(contentsOf: name)
                nameLengths[last] = UInt16(name.count)
                ranks[last] = rank
                tags[last] = tag
                paddings[last] = max(paddings[last], padding)
                return
            }
            if sortedCount == starts.count, starts.isEmpty || lastStart < start { sortedCount += 1 }
            lastStart = start
            nameOffsets.append(UInt32(names.count))
            names.append(contentsOf: name)
            starts.append(start)
            nameLengths.append(UInt16(name.count))
            tags.append(tag)
            paddings.append(padding)
            ranks.append(rank)
        }

        consuming func build() -> KernelSymbolTable {
            flushPendingPadding()
            if sortedCount < starts.count { sortUnorderedTail() }
            // Its end (the top of the address space, exclusive) would not lie above its start.
            if starts.count > 0, starts[starts.count - 1] == .max { truncate(to: starts.count - 1) }
            starts.shrinkToFit()
            nameOffsets.shrinkToFit()
            nameLengths.shrinkToFit()
            tags.shrinkToFit()
            paddings.shrinkToFit()
            names.shrinkToFit()
            return KernelSymbolTable(builder: self)
        }

        /// Sorts from the first prefix symbol the unordered tail reaches down to, by start,
        /// best rank, then first added; then keeps only the first of each start.
        private func sortUnorderedTail() {
            var lowest = UInt64.max
            for position in sortedCount..<starts.count { lowest = min(lowest, starts[position]) }
            let first = partitionPoint(0..<sortedCount) { starts[$0] >= lowest }
            let addresses = starts
            let ranksBase = ranks.base
            let count = starts.count
            var order = Array(0..<UInt32(count - first))
            order.sort { left, right in
                let leftStart = addresses[first + Int(left)]
                let rightStart = addresses[first + Int(right)]
                if leftStart != rightStart { return leftStart < rightStart }
                let leftRank = ranksBase[first + Int(left)]
                let rightRank = ranksBase[first + Int(right)]
                if leftRank != rightRank { return leftRank > rightRank }
                return left < right
            }
            permute(from: first, by: &order)
            var kept = first
            for position in first..<count where position == first || starts[position] != starts[kept - 1] {
                if kept != position { move(from: position, to: kept) }
                kept += 1
            }
            truncate(to: kept)
        }

        /// Puts the symbol at `first + order[i]` at `first + i`, in place, following each
        /// cycle of the permutation once; a done position is marked by pointing at itself.
        private func permute(from first: Int, by order: inout [UInt32]) {
            for cycleStart in order.indices where Int(order[cycleStart]) != cycleStart {
                let saved = (starts[first + cycleStart], nameOffsets[first + cycleStart],
                             nameLengths[first + cycleStart], tags[first + cycleStart], paddings[first + cycleStart])
                var destination = cycleStart
                var source = Int(order[cycleStart])
                while source != cycleStart {
                    move(from: first + source, to: first + destination)
                    order[destination] = UInt32(destination)
                    destination = source
                    source = Int(order[destination])
                }
                let target = first + destination
                (starts[target], nameOffsets[target], nameLengths[target], tags[target], paddings[target]) = saved
                order[destination] = UInt32(destination)
            }
        }

        private func move(from source: Int, to destination: Int) {
            starts[destination] = starts[source]
            nameOffsets[destination] = nameOffsets[source]
            nameLengths[destination] = nameLengths[source]
            tags[destination] = tags[source]
            paddings[destination] = paddings[source]
        }

        private func truncate(to count: Int) {
            starts.truncate(to: count)
            nameOffsets.truncate(to: count)
            nameLengths.truncate(to: count)
            tags.truncate(to: count)
            paddings.truncate(to: count)
        }
    }
}
