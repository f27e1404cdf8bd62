import Profile

extension DebugInfo {
    /// The file's DWARF where the symbolizer's share has room for its `.debug_*` bytes, and
    /// the bytes reserved for it (0 without a budget); nil when refused or unreadable.
    static func underBudget(path: String, maximumDecompressedBytes: Int?,
                            budget: MemoryBudget?) -> (info: DebugInfo, bytes: Int)? {
        let bytes = budget == nil ? 0 : DebugSectionBytes.of(path: path)
        if let budget, !budget.reserve(bytes, for: .symbolizer) { return nil }
        guard let info = DebugInfo(path: path, maximumDecompressedBytes: maximumDecompressedBytes) else {
            budget?.release(bytes, for: .symbolizer)
            return nil
        }
        return (info, bytes)
    }
}
