/// One character per value, its height the value's share of the largest: the
/// profile screen's timeline of samples per second.
enum Sparkline {
    static let unicodeLevels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    static let asciiLevels: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "@"]

    static func characters(_ values: [UInt64], ascii: Bool) -> [Character] {
        let levels = ascii ? asciiLevels : unicodeLevels
        guard let peak = values.max(), peak > 0 else { return values.map { _ in levels[0] } }
        let steps = UInt64(levels.count - 1)
        // Any non-zero second shows at least the lowest bar: an idle second and a
        // nearly idle one must look different.
        return values.map { $0 == 0 ? levels[0] : levels[Int(max(1, ($0 * steps + peak - 1) / peak))] }
    }
}
