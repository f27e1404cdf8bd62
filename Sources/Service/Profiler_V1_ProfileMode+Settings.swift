import Profile
import Sampling

extension Profiler_V1_ProfileMode {
    /// The message's value for a session's mode.
    public init(_ mode: ProfileMode) {
        switch mode {
        case .cpu: self = .cpu
        case .off: self = .offCpu
        case .wall: self = .wall
        }
    }

    /// The session's mode; nil for UNSPECIFIED and values this build does not know.
    public var settingsMode: ProfileMode? {
        switch self {
        case .cpu: return .cpu
        case .offCpu: return .off
        case .wall: return .wall
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}

extension CountUnit {
    /// The metadata's `count_unit`.
    public var metadataName: String { isTime ? "microseconds" : "samples" }
}
