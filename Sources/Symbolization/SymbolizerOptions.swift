/// How a `Symbolizer` names frames. Lines are always looked up; writers decide whether
/// to show them.
public struct SymbolizerOptions: Hashable, Sendable {
    /// Expand code inlined into its caller into one frame per inlined call (`hot;leaf_inlined`).
    public var inlineFrames: Bool
    /// Demangle C++, Rust and Swift names; false keeps them as the binary stores them.
    public var demangle: Bool
    /// Roots searched for separate debug files before /usr/lib/debug, laid out like it
    /// (`ROOT/.build-id/xx/yyyy.debug`, `ROOT/DIR/NAME` for a `.gnu_debuglink` NAME).
    public var debugDirectories: [String]
    /// Name JIT code from `/tmp/perf-PID.map` files.
    public var perfMaps: Bool

    public init(inlineFrames: Bool = true, demangle: Bool = true, debugDirectories: [String] = [],
                perfMaps: Bool = true) {
        self.inlineFrames = inlineFrames
        self.demangle = demangle
        self.debugDirectories = debugDirectories
        self.perfMaps = perfMaps
    }
}
