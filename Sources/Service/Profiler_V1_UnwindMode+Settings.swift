import Sampling

extension Profiler_V1_UnwindMode {
    /// The message's value for a session's mode.
    public init(_ mode: SessionSettings.UnwindMode) {
        switch mode {
        case .auto: self = .auto
        case .framePointers: self = .framePointers
        case .dwarf: self = .dwarf
        }
    }

    /// The session's mode; nil for UNSPECIFIED and values this build does not know.
    public var settingsMode: SessionSettings.UnwindMode? {
        switch self {
        case .auto: return .auto
        case .framePointers: return .framePointers
        case .dwarf: return .dwarf
        case .unspecified, .UNRECOGNIZED: return nil
        }
    }
}
