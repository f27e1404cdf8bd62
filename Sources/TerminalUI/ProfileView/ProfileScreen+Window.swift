import Profile
import Sampling

/// The profile screen's keys over time and threads: the window (`t`, `[ ]`, `{ }`,
/// `< >`), the baseline marked from it (`m`) and the thread view (`T`).
extension ProfileScreen {
    mutating func moveWindow(_ key: Key) -> ScreenAction {
        guard isLive, let snapshot = latest else { return .none }
        guard let slices = snapshot.slices else {
            message = ("no history kept (--history 0): the whole session only", true)
            return .redraw
        }
        let held = Self.heldSeconds(of: slices)
        switch key {
        case .character("t"): timeline.cyclePreset()
        case .character("["): timeline.move(by: -1, held: held)
        case .character("]"): timeline.move(by: 1, held: held)
        case .character("{"): timeline.move(by: -10, held: held)
        case .character("}"): timeline.move(by: 10, held: held)
        case .character("<"): timeline.resize(by: 1, held: held)
        case .character(">"): timeline.resize(by: -1, held: held)
        default: return .none
        }
        message = ("window: \(TimelineWindow.describe(timeline.window))", false)
        return .redraw
    }

    mutating func cycleThreads() -> ScreenAction {
        guard isLive, let snapshot = latest else { return .none }
        let threads = snapshot.counts.threads.map(\.thread)
        guard !threads.isEmpty else {
            message = ("no threads in this profile: its stacks do not carry their thread", true)
            return .redraw
        }
        threadView = threadView.next(threads: threads)
        switch threadView {
        case .merged: message = ("threads merged", false)
        case .grouped: message = ("grouped by thread (T: one thread at a time)", false)
        case .only(let thread): message = ("only \(thread.rootFrame.function) (T: the next thread)", false)
        }
        return .redraw
    }

    /// `m`: the window shown becomes the baseline of a diff view; later windows
    /// (the live one, or one moved to) are compared with it.
    mutating func markBaseline() -> ScreenAction {
        guard isLive, let snapshot = latest else { return .none }
        let counts = shownCounts(of: snapshot)
        guard counts.totalSamples > 0 else {
            message = ("nothing to mark: the window holds no samples", true)
            return .redraw
        }
        compare(with: ProfileBaseline(counts: counts, name: "baseline (\(TimelineWindow.describe(timeline.window)) at \(Int(snapshot.elapsed)) s)"))
        message = ("baseline marked: b switches between the diff and the profile", false)
        return .redraw
    }
}
