import Profile

extension SessionSnapshot {
    /// A window's counts and their unit: the whole session for `.all` (its slices may hold
    /// fewer seconds). A session seeded with the rewind history holds seconds of two rates:
    /// a window over both is CPU time, each sample weighted by its period
    /// (`TimeSlices+Rates`). The TUI's panes and exports and the service's results all
    /// read a session through this, so they weigh the two rates the same way.
    public func counts(of window: TimeWindow) -> WindowCounts {
        let hz = settings.frequency
        let timed = settings.mode.unit == .microseconds
        let own: CountUnit = timed ? .microseconds : .samples(hz: hz)
        guard let slices else { return WindowCounts(counts: counts, unit: own) }
        guard !timed, slices.lowRate != nil else {
            return WindowCounts(counts: window == .all ? counts : slices.profile(of: window), unit: own)
        }
        return window == .all ? slices.wholeSession(counts, hz: hz) : slices.windowCounts(of: window, hz: hz)
    }
}
