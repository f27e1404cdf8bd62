/// What a `Symbolizer` keeps per process: its executable mappings, when they were read,
/// and the frames its addresses became.
final class ProcessState {
    var maps: ProcessMaps
    var lastRead: ContinuousClock.Instant
    /// Set once /proc/PID is gone: its maps can no longer change, so never re-read them.
    var hasExited: Bool
    var memo: [UInt64: Resolution] = [:]

    init(maps: ProcessMaps, lastRead: ContinuousClock.Instant, hasExited: Bool) {
        self.maps = maps
        self.lastRead = lastRead
        self.hasExited = hasExited
    }
}
