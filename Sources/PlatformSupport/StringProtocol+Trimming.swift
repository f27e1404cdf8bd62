extension StringProtocol {
    /// The text without leading and trailing characters that match (whitespace and newlines by
    /// default): Foundation's `trimmingCharacters(in:)` without importing Foundation's tables.
    public func trimmed(where isTrimmed: (Character) -> Bool = \.isWhitespace) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }) else { return "" }
        let last = lastIndex(where: { !isTrimmed($0) })!
        return String(self[first...last])
    }
}
