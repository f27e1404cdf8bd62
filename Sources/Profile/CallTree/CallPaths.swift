/// Stacks as paths of function indices (root first) with their sample counts, stored flat:
/// the input of `CallTreeBuilder`.
struct CallPaths {
    private(set) var functions: [Int32] = []
    /// Where each path ends in `functions`; it starts where the previous one ended.
    private(set) var ends: [Int] = []
    private(set) var counts: [UInt64] = []

    init(expectedPaths: Int = 0, expectedFrames: Int = 0) {
        ends.reserveCapacity(expectedPaths)
        counts.reserveCapacity(expectedPaths)
        functions.reserveCapacity(expectedFrames)
    }

    var count: Int { ends.count }

    /// Adds one function to the path being built; `endPath` finishes it.
    mutating func append(_ function: Int32) {
        functions.append(function)
    }

    mutating func endPath(count: UInt64) {
        ends.append(functions.count)
        counts.append(count)
    }

    mutating func append<Path: Sequence>(_ path: Path, count: UInt64) where Path.Element == Int32 {
        functions.append(contentsOf: path)
        endPath(count: count)
    }

    /// Replaces every function index `i` with `mapping[i]`.
    mutating func renumber(_ mapping: [Int32]) {
        mapping.withUnsafeBufferPointer { mapping in
            for position in functions.indices { functions[position] = mapping[Int(functions[position])] }
        }
    }
}
