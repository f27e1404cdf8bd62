/// Function symbols sorted by start address for binary search, stored as parallel arrays
/// with every name packed into one byte buffer, NUL-terminated: a kernel has ~100k
/// symbols, and one String each would cost more to build than the whole parse. A large
/// file's names stay in the file (`SymbolNameFile`), and the offsets are the file's. 16
/// bytes a symbol: a compiler's million symbols must not cost what its code does.
struct SymbolIndex: Sendable {
    private(set) var starts: [UInt64] = []
    private var sizes: [UInt32] = []
    private var nameOffsets: [UInt32] = []
    private var names: [UInt8] = []
    private var nameFile: SymbolNameFile?

    var count: Int { starts.count }

    /// The bytes its arrays hold (what the memory budget is charged for a module's names).
    var byteCount: Int {
        starts.capacity * 8 + sizes.capacity * 4 + nameOffsets.capacity * 4 + names.capacity
    }

    /// True when names are read from the file on demand.
    var keepsNamesInFile: Bool { nameFile != nil }

    /// The symbol covering `address`: the nearest one starting at or below it whose end
    /// lies above it. A few earlier symbols are checked too, for a small symbol nested
    /// inside a larger one (assembly entry points inside a sized function).
    func index(covering address: UInt64) -> Int? {
        var candidate = partitionPoint(0..<starts.count) { starts[$0] > address } - 1
        let oldest = max(0, candidate - 8)
        while candidate >= oldest {
            if address - starts[candidate] < UInt64(sizes[candidate]) { return candidate }
            candidate -= 1
        }
        return nil
    }

    func name(at index: Int) -> String {
        let offset = Int(nameOffsets[index])
        if let nameFile { return nameFile.name(atFileOffset: UInt64(offset)) }
        let end = names[offset...].firstIndex(of: 0) ?? names.endIndex
        return String(decoding: names[offset..<end], as: UTF8.self)
    }

    func start(at index: Int) -> UInt64 { starts[index] }
    func end(at index: Int) -> UInt64 { starts[index] + UInt64(sizes[index]) }

    /// Collects symbols in any order, then sorts, merges aliases and bounds unsized ones.
    struct Builder {
        /// 24 bytes: a million symbols are held here at once while the index is built.
        private struct Pending {
            var start: UInt64
            /// The end of a sized symbol; for one without size, its upper bound (its section's end).
            var endOrLimit: UInt64
            var nameOffset: UInt32
            var rank: UInt8
            var isSized: Bool
        }

        private var pending: [Pending] = []
        private var names: [UInt8] = []
        /// Set when names are added by their offset in this file instead of their bytes.
        private let nameFile: SymbolNameFile?

        /// With the symbols' count and their names' bytes known, nothing is allocated twice:
        /// a grown array's spare half would stay with the index (megabytes for a large C++
        /// or Swift binary's names).
        init(expectedCount: Int = 0, expectedNameBytes: Int = 0) {
            pending.reserveCapacity(expectedCount)
            names.reserveCapacity(expectedNameBytes + expectedCount)
            nameFile = nil
        }

        /// A builder whose names stay in `file`: add them with `add(start:size:limit:nameAt:rank:)`.
        init(expectedCount: Int, namesIn file: SymbolNameFile) {
            pending.reserveCapacity(expectedCount)
            nameFile = file
        }

        /// Adds a symbol whose NUL-terminated name is at `fileOffset` of the builder's name file.
        mutating func add(start: UInt64, size: UInt64, limit: UInt64, nameAt fileOffset: UInt32, rank: UInt8) {
            guard nameFile != nil else { return }
            append(start: start, size: size, limit: limit, nameOffset: fileOffset, rank: rank)
        }

        /// Adds a symbol. `size` 0 means unknown: it then extends to the next symbol, at most
        /// to `limit`. Among symbols at one address the highest `rank` names it.
        mutating func add(start: UInt64, size: UInt64, limit: UInt64 = .max,
                          name: UnsafeBufferPointer<UInt8>, rank: UInt8 = 0) {
            guard nameFile == nil, !name.isEmpty, names.count + name.count < Int(UInt32.max) else { return }
            let offset = UInt32(names.count)
            // Up to a NUL inside the name: the terminator marks its end.
            names.append(contentsOf: name.prefix { $0 != 0 })
            names.append(0)
            append(start: start, size: size, limit: limit, nameOffset: offset, rank: rank)
        }

        private mutating func append(start: UInt64, size: UInt64, limit: UInt64, nameOffset: UInt32, rank: UInt8) {
            let (end, overflow) = start.addingReportingOverflow(size)
            pending.append(Pending(start: start, endOrLimit: size == 0 ? limit : (overflow ? .max : end),
                                   nameOffset: nameOffset, rank: rank, isSized: size != 0))
        }

        consuming func build() -> SymbolIndex {
            // Best rank first among equal starts, then the lower name offset: the first added, for
            // names kept here; the file's order, for names kept in the file.
            pending.sort {
                if $0.start != $1.start { return $0.start < $1.start }
                if $0.rank != $1.rank { return $0.rank > $1.rank }
                return $0.nameOffset < $1.nameOffset
            }
            var index = SymbolIndex()
            index.starts.reserveCapacity(pending.count)
            index.sizes.reserveCapacity(pending.count)
            index.nameOffsets.reserveCapacity(pending.count)
            var position = 0
            while position < pending.count {
                let best = pending[position]
                var sizedEnd: UInt64 = 0
                var limit = UInt64.max
                var next = position
                while next < pending.count, pending[next].start == best.start {
                    if pending[next].isSized {
                        sizedEnd = max(sizedEnd, pending[next].endOrLimit)
                    } else {
                        limit = min(limit, pending[next].endOrLimit)
                    }
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
                    // No function spans 4 GiB; an unsized last symbol reaching to the end of the
                    // address space is cut there.
                    index.sizes.append(UInt32(clamping: end - best.start))
                    index.nameOffsets.append(best.nameOffset)
                }
                position = next
            }
            index.names = names
            index.nameFile = nameFile
            return index
        }
    }
}
