/// Which seconds of the time slices a profile is made of.
public enum TimeWindow: Sendable, Hashable, CustomStringConvertible {
    /// Every second still held.
    case all
    /// The newest `seconds` seconds, ending at the newest second recorded: anchored to "now",
    /// so it slides as the session records.
    case last(seconds: Int)
    /// Fixed seconds, both ends included (the session's monotonic second indices).
    case seconds(ClosedRange<Int64>)

    public var description: String {
        switch self {
        case .all: "all"
        case .last(let seconds): "last \(seconds) s"
        case .seconds(let range): "seconds \(range.lowerBound)–\(range.upperBound)"
        }
    }
}
