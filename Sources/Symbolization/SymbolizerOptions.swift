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
    /// debuginfod servers (space-separated URLs) asked by build-id for a debug file no local
    /// folder holds; nil: none asked. The CLI takes `DEBUGINFOD_URLS`; the service only its TOML.
    public var debuginfodURLs: String?
    /// Where libdebuginfod keeps what it fetched; nil: its default (`~/.cache/debuginfod_client`).
    public var debuginfodCachePath: String?

    public static let defaultMaximumDecompressedDWARFBytes = 4 << 20

    public init(inlineFrames: Bool = true, demangle: Bool = true, debugDirectories: [String] = [],
                perfMaps: Bool = true, maximumDecompressedDWARFBytes: Int? = defaultMaximumDecompressedDWARFBytes,
                debuginfodURLs: String? = nil, debuginfodCachePath: String? = nil) {
        self.inlineFrames = inlineFrames
        self.demangle = demangle
        self.debugDirectories = debugDirectories
        self.perfMaps = perfMaps
        self.maximumDecompressedDWARFBytes = maximumDecompressedDWARFBytes
        self.debuginfodURLs = debuginfodURLs.flatMap { $0.split(separator: " ").isEmpty ? nil : $0 }
        self.debuginfodCachePath = debuginfodCachePath
    }
}
