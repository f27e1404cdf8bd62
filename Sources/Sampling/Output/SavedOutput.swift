/// Where a profile went at the end of a run (`AtomicOutputFile.save`).
public enum SavedOutput: Sendable {
    /// Written where asked.
    case wrote(path: String)
    /// Not written where asked (`failure`), but to `path` instead.
    case wroteInstead(path: String, failure: OutputFileError)
    /// Written nowhere: the profile is lost.
    case lost(failure: OutputFileError, fallbackFailures: [OutputFileError])

    /// Where the profile is, if anywhere.
    public var path: String? {
        switch self {
        case .wrote(let path), .wroteInstead(let path, _): path
        case .lost: nil
        }
    }
}
