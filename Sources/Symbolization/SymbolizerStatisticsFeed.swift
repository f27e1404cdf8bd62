import Synchronization

/// The symbolizer's statistics as another thread may read them (the TUI's status line, while
/// the drain thread symbolizes): a copy published at most every `interval`, and at once on
/// request.
public final class SymbolizerStatisticsFeed: Sendable {
    private let latest = Mutex(SymbolizerStatistics())

    public init() {}

    /// The last published statistics.
    public var statistics: SymbolizerStatistics { latest.withLock { $0 } }

    func publish(_ statistics: SymbolizerStatistics) {
        latest.withLock { $0 = statistics }
    }
}
