/// pprof's string table being built: each distinct string once, "" at index 0 as the
/// format requires (index 0 means "no string").
struct PprofStringTable {
    private(set) var strings: [String] = [""]
    private var indexes: [String: Int64] = ["": 0]

    mutating func index(_ string: String) -> Int64 {
        if let known = indexes[string] { return known }
        let index = Int64(strings.count)
        strings.append(string)
        indexes[string] = index
        return index
    }

    mutating func index(_ string: String?) -> Int64 {
        string.map { index($0) } ?? 0
    }
}
