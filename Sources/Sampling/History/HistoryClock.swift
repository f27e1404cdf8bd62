/// The clock the rewind history and the sessions it seeds share: seconds of
/// `ContinuousClock` since a reference taken once per process, so a drain's time and a
/// session's start compare without a wall clock that can jump.
public enum HistoryClock {
    private static let reference = ContinuousClock.now

    public static func seconds(at instant: ContinuousClock.Instant = .now) -> Double {
        (instant - reference).seconds
    }
}
