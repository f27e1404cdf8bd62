import Glibc

/// Why the terminal could not be taken over, with what the user can do about it.
public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public let operation: String
    public let errno: Int32?
    public let hint: String

    public init(operation: String, errno: Int32? = nil, hint: String) {
        self.operation = operation
        self.errno = errno
        self.hint = hint
    }

    public var description: String {
        var text = "\(operation) failed"
        if let errno { text += ": \(String(cString: strerror(errno)))" }
        return "\(text) (\(hint))"
    }
}
