/// A bad configuration value, or a file it names that cannot be used: which key,
/// what is wrong with it, and what to do.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// `section.key` as written in profiler.toml ("profiler.chunk_size_bytes"), or
    /// the file for a syntax error.
    public var key: String
    public var message: String
    public var hint: String

    public init(key: String, message: String, hint: String = "") {
        self.key = key
        self.message = message
        self.hint = hint
    }

    public var description: String {
        hint.isEmpty ? "\(key): \(message)" : "\(key): \(message)\nhint: \(hint)"
    }
}
