/// Where a frame's code was mapped when it was sampled: the range of a file (or the
/// kernel) in the address space, for exports that keep addresses (pprof's mappings).
/// One shared instance per mapping, held by reference, so a frame grows by one pointer.
public final class CodeMapping: Hashable, Sendable, CustomStringConvertible {
    /// First address (inclusive) and the address after the last.
    public let start: UInt64
    public let limit: UInt64
    /// Offset in the file of the byte mapped at `start`.
    public let fileOffset: UInt64
    /// The file's path as the process maps it, or a bracketed name (`[kernel.kallsyms]`, `[vdso]`).
    public let file: String
    /// The GNU build-id in lower-case hex, when the file has one.
    public let buildID: String?

    /// The name pprof tools (and perf) give the kernel's mapping.
    public static let kernelFileName = "[kernel.kallsyms]"

    public init(start: UInt64, limit: UInt64, fileOffset: UInt64, file: String, buildID: String? = nil) {
        self.start = start
        self.limit = limit
        self.fileOffset = fileOffset
        self.file = file
        self.buildID = buildID
    }

    public static func == (lhs: CodeMapping, rhs: CodeMapping) -> Bool {
        lhs === rhs || (lhs.start == rhs.start && lhs.limit == rhs.limit && lhs.fileOffset == rhs.fileOffset
            && lhs.file == rhs.file && lhs.buildID == rhs.buildID)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(start)
        hasher.combine(limit)
        hasher.combine(fileOffset)
        hasher.combine(file)
        hasher.combine(buildID)
    }

    public var description: String {
        "\(file) 0x\(String(start, radix: 16))-0x\(String(limit, radix: 16))" + (buildID.map { " build-id \($0)" } ?? "")
    }
}
