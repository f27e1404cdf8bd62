import FoundationEssentials
import Gzip
import Pprof
import Profile
import Sampling

/// Writes a profile as folded stacks or gzipped pprof, through a temporary file renamed
/// into place: the TUI's export and autosave, and `record`.
public enum ProfileExport {
    /// The gzipped pprof file of `counts`.
    public static func pprofFile(_ counts: StackCounts, metadata: PprofMetadata) throws -> [UInt8] {
        try Gzip.compress(try PprofWriter(metadata: metadata).encode(counts))
    }

    /// What a pprof file says of a session: its rate, start and length; for a one-process
    /// session the pid and comm every sample carries.
    public static func metadata(for snapshot: SessionSnapshot) -> PprofMetadata {
        var labels = SampleLabels()
        if case .process(let pid) = snapshot.settings.target {
            labels.pid = Int64(pid)
            labels.comm = snapshot.targetName
        }
        return PprofMetadata(frequency: Double(snapshot.settings.frequency),
                             timeNanos: Int64((snapshot.startedAt.timeIntervalSince1970 * 1e9).rounded()),
                             durationNanos: Int64((snapshot.elapsed * 1e9).rounded()),
                             labels: labels,
                             comments: ["flametop \(snapshot.settings.frequency) Hz"],
                             kind: pprofKind(of: snapshot.settings.mode))
    }

    /// What the pprof file's values are for a session's mode.
    public static func pprofKind(of mode: ProfileMode) -> PprofValueKind {
        switch mode {
        case .cpu: .cpuSamples
        case .off: .offCPUMicroseconds
        case .wall: .wallMicroseconds
        }
    }

    /// Writes `counts` to `file` in `format` (the caller commits).
    public static func write(_ counts: StackCounts, format: ProfileFormat, metadata: PprofMetadata,
                             foldedOptions: FoldedWriter.Options, to file: AtomicOutputFile) throws {
        switch format {
        case .folded:
            FoldedWriter(options: foldedOptions).write(counts) { line in file.write(line + "\n") }
        case .pprof:
            file.write(try pprofFile(counts, metadata: metadata))
        }
    }

    /// Writes and commits; returns an error message, or nil on success.
    static func write(_ counts: StackCounts, format: ProfileFormat, metadata: PprofMetadata,
                      to path: String, foldedOptions: FoldedWriter.Options) -> String? {
        guard format == .pprof else { return FoldedExport.write(counts, to: path, options: foldedOptions) }
        do {
            // Written at once: no probe file first (autosaves run every few seconds).
            let file = try AtomicOutputFile(path: path, preflight: false)
            file.write(try pprofFile(counts, metadata: metadata))
            try file.commit()
            return nil
        } catch let error as OutputFileError {
            return error.description
        } catch {
            return String(describing: error)
        }
    }
}
