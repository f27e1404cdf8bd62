import FoundationEssentials
import PlatformSupport
import Profile
import Sampling

/// Keeps a copy of a live profile on disk, rewritten every few seconds while it
/// changes, so a lost SSH session or a crash does not lose an incident's profile.
struct ProfileAutosave {
    let path: String
    private var savedGeneration: UInt64?

    init(directory: String, snapshot: SessionSnapshot, date: Date) {
        path = directory + "/" + ProfileFileName.make(for: snapshot, at: date)
    }

    /// Writes the snapshot unless this generation is already on disk or it holds no
    /// samples. Returns an error message on failure.
    mutating func save(_ snapshot: SessionSnapshot, options: FoldedWriter.Options = FoldedWriter.Options()) -> String? {
        guard snapshot.generation != savedGeneration, snapshot.counts.totalSamples > 0 else { return nil }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            return "cannot create \(directory): \(FileErrorReason.of(error))"
        }
        // Thread roots merged, as `record` writes without --per-thread.
        if let error = FoldedExport.write(snapshot.counts.mergingThreads(), to: path, options: options) { return error }
        savedGeneration = snapshot.generation
        return nil
    }

    var hasSaved: Bool { savedGeneration != nil }
}
