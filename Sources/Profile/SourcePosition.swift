/// A file and line from debug information, for display next to a function.
public struct SourcePosition: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int

    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    public static func < (lhs: SourcePosition, rhs: SourcePosition) -> Bool {
        (lhs.file, lhs.line) < (rhs.file, rhs.line)
    }

    /// The last path component: folded lines and narrow terminal columns show only that.
    public var fileName: Substring {
        guard let slash = file.lastIndex(of: "/") else { return file[...] }
        return file[file.index(after: slash)...]
    }

    public var description: String { "\(fileName):\(line)" }
}
