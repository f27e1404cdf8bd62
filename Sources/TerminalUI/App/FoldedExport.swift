import Profile
import Sampling

/// Writes folded stacks through a temporary file renamed into place.
enum FoldedExport {
    /// Returns an error message, or nil on success.
    static func write(_ counts: StackCounts, to path: String,
                      options: FoldedWriter.Options = FoldedWriter.Options()) -> String? {
        do {
            // Written at once: no probe file first (autosaves run every few seconds).
            let file = try AtomicOutputFile(path: path, preflight: false)
            FoldedWriter(options: options).write(counts) { line in file.write(line + "\n") }
            try file.commit()
            return nil
        } catch {
            return error.description
        }
    }
}
