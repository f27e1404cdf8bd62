import Profile
import Sampling

/// The profile screen's time window and the keys that move it, over the seconds a
/// session's `TimeSlices` hold. Pure: the screen keeps one and asks it what to show.
struct TimelineWindow: Equatable {
    private(set) var window: TimeWindow = .all

    /// What `t` cycles through.
    static let presets: [TimeWindow] = [.all, .last(seconds: 10), .last(seconds: 60)]

    mutating func cyclePreset() {
        let index = Self.presets.firstIndex(of: window).map { ($0 + 1) % Self.presets.count } ?? 0
        window = Self.presets[index]
    }

    mutating func showAll() { window = .all }

    /// Moves the window by `seconds` (negative: earlier), keeping its length. A window
    /// moved up to the newest second anchors to "now" again, so it slides.
    mutating func move(by seconds: Int64, held: ClosedRange<Int64>?) {
        guard let held, let range = Self.range(of: window, held: held) else { return }
        let length = range.upperBound - range.lowerBound
        var upper = range.upperBound + seconds
        upper = min(max(upper, held.lowerBound + length), held.upperBound)
        if upper >= held.upperBound {
            window = .last(seconds: Int(length + 1))
        } else {
            window = .seconds((upper - length)...upper)
        }
    }

    /// Grows (positive) or shrinks the window by `seconds` at its start, at least 1 s long.
    mutating func resize(by seconds: Int64, held: ClosedRange<Int64>?) {
        guard let held, let range = Self.range(of: window, held: held) else { return }
        let lower = min(max(range.lowerBound - seconds, held.lowerBound), range.upperBound)
        if case .seconds = window {
            window = .seconds(lower...range.upperBound)
        } else {
            window = .last(seconds: Int(range.upperBound - lower + 1))
        }
    }

    /// The seconds `window` covers within `held` (`.all`: everything held).
    static func range(of window: TimeWindow, held: ClosedRange<Int64>) -> ClosedRange<Int64>? {
        switch window {
        case .all: return held
        case .last(let seconds):
            guard seconds > 0 else { return nil }
            return (max(held.upperBound - Int64(seconds) + 1, held.lowerBound))...held.upperBound
        case .seconds(let range):
            guard range.overlaps(held) else { return nil }
            return range.clamped(to: held)
        }
    }

    /// How the status line and the file names call a window.
    static func describe(_ window: TimeWindow) -> String {
        switch window {
        case .all: return "all"
        case .last(let seconds): return "last \(seconds) s"
        case .seconds(let range): return "\(range.lowerBound)–\(range.upperBound + 1) s"
        }
    }

    /// A file-name part: "" for `.all`, `-last10s`, `-s120-130`.
    static func fileSuffix(_ window: TimeWindow) -> String {
        switch window {
        case .all: return ""
        case .last(let seconds): return "-last\(seconds)s"
        case .seconds(let range): return "-s\(range.lowerBound)-\(range.upperBound + 1)"
        }
    }
}
