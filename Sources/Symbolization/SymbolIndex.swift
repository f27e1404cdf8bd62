/// Function symbols sorted by start address for binary search, stored as parallel arrays
/// with every name packed into one byte buffer: a kernel has ~100k symbols, and one
/// String each would cost more to build than the whole parse.
struct SymbolIndex: Sendable {
    private(set) var starts: [UInt64] = []
    private(set) var ends: [UInt64] = []
    private var nameOffsets: [UInt32] = []
    private var nameLengths: [UInt32] = []
    private var tags: [UInt16] = []
    private var names: [UInt8] = []

    var count: Int { starts.count }

    /// The symbol covering `address`: the nearest one starting at or below it whose end
    /// lies above it. A few earlier symbols are checked too, for a small symbol nested
    /// inside a larger one (assembly entry points inside a sized function).
    func index(covering address: UInt64) -> Int? {
        var candidate = partitionPoint(0..<starts.count) { starts[$0] > address } - 1
        let oldest = max(0, candidate - 8)
        while candidate >= oldest {
            if address < ends[candidate] { return candidate }
            candidate -= 1
        }
        return nil
    }

    func name(at index: Int) -> String {
        let offset = Int(nameOffsets[index])
        return String(decoding: names[offset..<offset + Int(nameLengths[index])], as: UTF8.self)
    }

    func start(at index: Int) -> UInt64 { starts[index] }
    func end(at index: Int) -> UInt64 { ends[index] }
    /// A caller-defined small number carried with the symbol (the kernel module index).
    func tag(at index: Int) -> UInt16 { tags[index] }

    /// Collects symbols in any order, then sorts, merges aliases and bounds unsized ones.
    struct Builder {
        private struct Pending {
            var start: UInt64
            /// 0 for a symbol without size.
            var end: UInt64
            /// Upper bound for a symbol without size (its section's end).
            var limit: UInt64
            var nameOffset: UInt32
            var nameLength: UInt32
            var rank: UInt8
            var tag: UInt16
        }

        private var pending: [Pending] = []
        private var names: [UInt8] = []

        init(expectedCount: Int = 0) {
            pending.reserveCapacity(expectedCount)
        }

        /// Adds a symbol. `size` 0 means unknown: it then extends to the next symbol, at most
        /// to `limit`. Among symbols at one address the highest `rank` names it.
        mutating func add(start: UInt64, size: UInt64, limit: UInt64 = .max,
                          name: UnsafeBufferPointer<UInt8>, rank: UInt8 = 0, tag: UInt16 = 0) {
            guard !name.isEmpty, names.count + name.count <= Int(UInt32.max) else { return }
            let offset = UInt32(names.count)
            names.append(contentsOf: name)
            let (end, overflow) = start.addingReportingOverflow(size)
            pending.append(Pending(start: start, end: size == 0 ? 0 : (overflow ? .max : end),
                                   limit: limit, nameOffset: offset, nameLength: UInt32(name.count),
                                   rank: rank, tag: tag))
        }

        consuming func build() -> SymbolIndex {
            // Best rank first among equal starts, then first added (name offsets grow with insertion).
            pending.sort {
                if $0.start != $1.start { return $0.start < $1.start }
                if $0.rank != $1.rank { return $0.rank > $1.rank }
                return $0.nameOffset < $1.nameOffset
            }
            var index = SymbolIndex()
            index.starts.reserveCapacity(pending.count)
            index.ends.reserveCapacity(pending.count)
            index.nameOffsets.reserveCapacity(pending.count)
            index.nameLengths.reserveCapacity(pending.count)
            index.tags.reserveCapacity(pending.count)
            var position = 0
            while position < pending.count {
                let best = pending[position]
                var sizedEnd: UInt64 = best.end
                var limit = best.limit
                var next = position + 1
                while next < pending.count, pending[next].start == best.start {
                    sizedEnd = max(sizedEnd, pending[next].end)
                    limit = min(limit, pending[next].limit)
                    next += 1
                }
                let end: UInt64
                if sizedEnd != 0 {
                    end = sizedEnd
                } else {
                    end = min(next < pending.count ? pending[next].start : .max, limit)
                }
                if end > best.start {
                    index.starts.append(best.start)
                    index.ends.append(end)
                    index.nameOffsets.append(best.nameOffset)
                    index.nameLengths.append(best.nameLength)
                    index.tags.append(best.tag)
                }
                position = next
            }
            index.names = names
            return index
        }
    }
}
