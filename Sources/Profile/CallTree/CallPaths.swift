/// Stacks as paths of function indices (root first) with their sample counts, stored flat:
/// the input of `CallTreeBuilder`.
///
/// A top-down tree's paths are a `StackTable`'s own arrays, shared, not copied: its items are
/// frame indices and `functionOfItem` maps each to its function. A million five-frame stacks
/// are 36 MB there, which a copy would hold a second time while the tree is built.
struct CallPaths {
    /// Function indices, or with `functionOfItem` the indices it maps to functions.
    private(set) var items: [Int32] = []
    /// Where each path ends in `items`; it starts where the previous one ended.
    private(set) var ends: [Int32] = []
    private(set) var counts: [UInt64] = []
    /// Empty when `items` are function indices.
    private(set) var functionOfItem: [Int32] = []

    init(expectedPaths: Int = 0) {
        ends.reserveCapacity(expectedPaths)
        counts.reserveCapacity(expectedPaths)
    }

    /// Paths over `items` that `functionOfItem` maps to functions; every item must be in range.
    init(items: [Int32], ends: [Int32], counts: [UInt64], functionOfItem: [Int32]) {
        self.items = items
        self.ends = ends
        self.counts = counts
        self.functionOfItem = functionOfItem
    }

    var count: Int { ends.count }

    mutating func append<Path: Sequence>(_ path: Path, count: UInt64) where Path.Element == Int32 {
        precondition(functionOfItem.isEmpty, "paths over mapped items are read-only")
        items.append(contentsOf: path)
        ends.append(Int32(items.count))
        counts.append(count)
    }
}
