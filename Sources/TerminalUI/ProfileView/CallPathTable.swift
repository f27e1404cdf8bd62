import Profile

/// Call paths (the functions from the root down to a node) interned in one table: a path is
/// its parent path plus one function, stored once. The flame tree keeps its rows, expansion,
/// zoom and selection as IDs here, so a path of depth d costs one entry, not an array of d
/// functions: with arrays, one 10 000-frame stack took 4 GB to show (issue 14).
struct CallPathTable {
    struct ID: Hashable {
        fileprivate let index: Int32

        /// Small and dense (0 ..< `count`): a table's IDs can index an array.
        var number: Int { Int(index) }
    }

    /// The empty path: the tree's root.
    static let root = ID(index: 0)

    /// A function by its number here (`number(of:)`): paths hash two integers, not names.
    private struct Key: Hashable {
        let parent: Int32
        let function: Int32
    }

    private var parents: [Int32] = [-1]
    /// The number of each path's last function; -1 for the root.
    private var lastFunctions: [Int32] = [-1]
    private var depths: [Int32] = [0]
    private var lookup: [Key: Int32] = [:]
    /// The functions by number, found by `contentHash` in `numberSlots` (open addressing,
    /// -1 empty, at most half full): a `Dictionary` keyed by identity took about 160 bytes a
    /// function, and a 100 000-frame stack shows as many.
    private var functions: [FunctionIdentity] = []
    private var functionHashes: [UInt64] = []
    private var numberSlots = [Int32](repeating: -1, count: 64)

    var count: Int { parents.count }

    /// A small number for `function`, the same for the table's lifetime.
    mutating func number(of function: FunctionIdentity) -> Int32 {
        let hash = function.contentHash
        var mask = numberSlots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while numberSlots[slot] >= 0 {
            let known = numberSlots[slot]
            if functionHashes[Int(known)] == hash && functions[Int(known)] == function { return known }
            slot = (slot + 1) & mask
        }
        let number = Int32(functions.count)
        functions.append(function)
        functionHashes.append(hash)
        numberSlots[slot] = number
        if functions.count * 2 > numberSlots.count {
            numberSlots = [Int32](repeating: -1, count: numberSlots.count * 2)
            mask = numberSlots.count - 1
            for (known, hash) in functionHashes.enumerated() {
                var slot = Int(truncatingIfNeeded: hash) & mask
                while numberSlots[slot] >= 0 { slot = (slot + 1) & mask }
                numberSlots[slot] = Int32(known)
            }
        }
        return number
    }

    /// The path `parent` followed by `function`.
    mutating func child(of parent: ID, _ function: FunctionIdentity) -> ID {
        child(of: parent, number: number(of: function))
    }

    /// The same, with `function`'s number already looked up.
    mutating func child(of parent: ID, number: Int32) -> ID {
        let key = Key(parent: parent.index, function: number)
        if let known = lookup[key] { return ID(index: known) }
        let index = Int32(parents.count)
        parents.append(parent.index)
        lastFunctions.append(number)
        depths.append(depths[Int(parent.index)] + 1)
        lookup[key] = index
        return ID(index: index)
    }

    /// nil for the root.
    func parent(of id: ID) -> ID? {
        let parent = parents[Int(id.index)]
        return parent < 0 ? nil : ID(index: parent)
    }

    /// The path's last function; nil for the root.
    func last(of id: ID) -> FunctionIdentity? {
        let number = lastFunctions[Int(id.index)]
        return number < 0 ? nil : functions[Int(number)]
    }

    func depth(of id: ID) -> Int { Int(depths[Int(id.index)]) }

    /// The path's ancestors, itself included, nearest first (ending with the root).
    func ancestors(of id: ID) -> [ID] {
        var result: [ID] = []
        var current: ID? = id
        while let path = current {
            result.append(path)
            current = parent(of: path)
        }
        return result
    }

    /// The path spelled out: O(depth), for the few places that need the functions.
    func path(of id: ID) -> CallTree.Path {
        CallTree.Path(ancestors(of: id).reversed().compactMap(last(of:)))
    }

    /// A table holding only `kept` and their ancestors, and where each kept ID went: paths
    /// that scrolled away in a live profile would otherwise pile up for the whole session.
    /// Linear in the old table: each old entry is carried over at most once.
    func compacted(keeping kept: [ID]) -> (table: CallPathTable, remap: (ID) -> ID) {
        var table = CallPathTable()
        var moved = [Int32](repeating: -1, count: parents.count)
        moved[0] = 0
        for id in kept {
            var pending: [Int32] = []
            var index = id.index
            while moved[Int(index)] < 0 {
                pending.append(index)
                index = parents[Int(index)]
            }
            for old in pending.reversed() {
                let parent = ID(index: moved[Int(parents[Int(old)])])
                // Only the root has no function, and the root is always carried over.
                guard let function = last(of: ID(index: old)) else { continue }
                moved[Int(old)] = table.child(of: parent, function).index
            }
        }
        return (table, { ID(index: moved[Int($0.index)] < 0 ? 0 : moved[Int($0.index)]) })
    }
}
