/// The formats a profile is saved in: folded stacks (flamegraph.pl, inferno, speedscope)
/// or gzipped pprof (`go tool pprof`, Parca, Pyroscope).
public enum ProfileFormat: String, CaseIterable, Sendable {
    case folded
    case pprof

    /// The format a file name asks for: `.pb.gz`, `.pb` and `.pprof` are pprof (the names
    /// Go's tools and Parca use), anything else folded.
    public static func implied(byPath path: String) -> ProfileFormat {
        let lowered = path.lowercased()
        return pprofSuffixes.contains { lowered.hasSuffix($0) } ? .pprof : .folded
    }

    static let pprofSuffixes = [".pb.gz", ".pb", ".pprof", ".pprof.gz"]

    /// What a new file of this format is named with.
    public var fileExtension: String {
        switch self {
        case .folded: ".folded"
        case .pprof: ".pb.gz"
        }
    }

    /// `path` with this format's extension in place of another format's.
    public func renaming(_ path: String) -> String {
        var base = path
        for suffix in Self.pprofSuffixes.sorted(by: { $0.count > $1.count }) + [".folded"]
        where base.lowercased().hasSuffix(suffix) {
            base.removeLast(suffix.count)
            break
        }
        return base + fileExtension
    }
}
