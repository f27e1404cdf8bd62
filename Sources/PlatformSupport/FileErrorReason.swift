import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// The reason a file operation failed, in the C library's words ("Permission denied"):
/// FoundationEssentials wraps the errno in a `CocoaError`, and its `localizedDescription`
/// lives in Foundation's internationalisation layer, which the binary does not link.
public enum FileErrorReason {
    public static func of(_ error: any Error) -> String {
        if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
        if let cocoa = error as? CocoaError, let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError {
            return String(cString: strerror(posix.code.rawValue))
        }
        return String(describing: error)
    }
}
