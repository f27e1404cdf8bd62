import FoundationEssentials
import Sampling
import TerminalUI

extension SavedOutput {
    /// Where a profile goes when its output fails at the end: the TUI's autosave directory,
    /// then the temporary directory.
    static func fallbackDirectories() -> [String] {
        var directories: [String] = []
        if let autosave = TerminalUIOptions.defaultAutosaveDirectory() { directories.append(autosave) }
        let temporary = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/tmp"
        directories.append(temporary)
        return directories
    }

    /// What went wrong, for stderr; nil when the profile is where it was asked to go.
    var problem: String? {
        switch self {
        case .wrote:
            return nil
        case .wroteInstead(let path, let failure):
            return "\(failure.description)\nthe profile is kept: wrote it to \(path) instead"
        case .lost(let failure, let fallbackFailures):
            return ([failure.description] + fallbackFailures.map { "nor: \($0.description)" }
                    + ["THE PROFILE IS LOST: it could be written nowhere"]).joined(separator: "\n")
        }
    }
}
