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
    /// The most memory one file's compressed DWARF may take once libdw decompresses it
    /// (it inflates whole sections when it opens a file); a larger one is named from
    /// its symbol table instead, without lines or inlined frames. nil: no limit.
    /// Debian's libc6-dbg inflates to ~7 MB (and costs ~15 MB of RSS with its mapping and
    /// symbol table), which alone would half again a session's memory.
    public var maximumDecompressedDWARFBytes: Int?

    public static let defaultMaximumDecompressedDWARFBytes = 4 << 20

    public init(inlineFrames: Bool = true, demangle: Bool = true, debugDirectories: [String] = [],
                perfMaps: Bool = true, maximumDecompressedDWARFBytes: Int? = defaultMaximumDecompressedDWARFBytes) {
        self.inlineFrames = inlineFrames
        self.demangle = demangle
        self.debugDirectories = debugDirectories
        self.perfMaps = perfMaps
        self.maximumDecompressedDWARFBytes = maximumDecompressedDWARFBytes
    }
}
