/// The first position in `positions` where `isPast` holds, for a predicate that is
/// false over a prefix and true for the rest: in a column sorted by address, the
/// number of entries at or below an address. The one binary search of the lookup
/// tables (symbols, line rows, units, mappings).
@inline(__always)
func partitionPoint(_ positions: Range<Int>, where isPast: (Int) -> Bool) -> Int {
    var low = positions.lowerBound
    var high = positions.upperBound
    while low < high {
        let middle = low + (high - low) / 2
        if isPast(middle) { high = middle } else { low = middle + 1 }
    }
    return low
}
