/// The memory mappings of one process, as listed in /proc/PID/maps (sorted by address).
public struct ProcessMaps: Sendable {
    public let mappings: [MemoryMapping]

    public init(mappings: [MemoryMapping]) {
        self.mappings = mappings.sorted { $0.start < $1.start }
    }

    /// Reads and parses /proc/PID/maps.
    public static func read(pid: Int32) throws(SymbolizationError) -> ProcessMaps {
        let path = "/proc/\(pid)/maps"
        return try ProcessMaps(parsing: ProcFile.readAll(path, initialCapacity: 16 * 1024), path: path)
    }

    /// Parses maps text; `path` names the source in errors.
    public init(parsing text: String, path: String = "maps") throws(SymbolizationError) {
        try self.init(parsing: Array(text.utf8), path: path)
    }

    /// Parses the bytes of a maps file. Each line is
    /// `start-end perms offset major:minor inode [path]`, the path padded with spaces
    /// to a column and possibly containing spaces itself (fs/proc/task_mmu.c).
    public init(parsing bytes: [UInt8], path: String = "maps") throws(SymbolizationError) {
        var parsed = [MemoryMapping]()
        var failure: SymbolizationError?
        bytes.withUnsafeBufferPointer { buffer in
            var lineStart = 0
            var lineNumber = 0
            while lineStart < buffer.count {
                let lineEnd = buffer.index(of: UInt8(ascii: "\n"), from: lineStart)
                lineNumber += 1
                if lineEnd > lineStart {
                    guard let mapping = Self.parseLine(buffer, from: lineStart, to: lineEnd) else {
                        let text = String(decoding: buffer[lineStart..<lineEnd], as: UTF8.self)
                        failure = .malformedLine(path: path, line: lineNumber, text: text)
                        return
                    }
                    parsed.append(mapping)
                }
                lineStart = lineEnd + 1
            }
        }
        if let failure { throw failure }
        self.init(mappings: parsed)
    }

    /// The mapping holding `address`, by binary search.
    public func mapping(containing address: UInt64) -> MemoryMapping? {
        let low = partitionPoint(0..<mappings.count) { mappings[$0].start > address }
        guard low > 0, mappings[low - 1].contains(address) else { return nil }
        return mappings[low - 1]
    }

    /// Only the mappings code can run from: the ones a stack address can point into.
    public var executable: ProcessMaps {
        ProcessMaps(sorted: mappings.filter { $0.permissions.isExecutable })
    }

    private init(sorted: [MemoryMapping]) {
        mappings = sorted
    }

    private static func parseLine(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> MemoryMapping? {
        var cursor = ByteCursor(buffer, from: start, to: end)
        guard let low = cursor.hex(), cursor.skip(UInt8(ascii: "-")), let high = cursor.hex(),
              cursor.skip(UInt8(ascii: " ")),
              let read = cursor.next(), let write = cursor.next(), let execute = cursor.next(),
              let share = cursor.next(), cursor.skip(UInt8(ascii: " ")),
              let offset = cursor.hex(), cursor.skip(UInt8(ascii: " ")),
              let major = cursor.hex(), cursor.skip(UInt8(ascii: ":")), let minor = cursor.hex(),
              cursor.skip(UInt8(ascii: " ")), let inode = cursor.decimal()
        else { return nil }
        cursor.skipSpaces()
        let pathText = String(decoding: buffer[cursor.position..<end], as: UTF8.self)
        let permissions = MemoryMapping.Permissions(
            isReadable: read == UInt8(ascii: "r"), isWritable: write == UInt8(ascii: "w"),
            isExecutable: execute == UInt8(ascii: "x"), isShared: share == UInt8(ascii: "s"))
        return MemoryMapping(start: low, end: high, permissions: permissions, fileOffset: offset,
                             deviceMajor: UInt32(truncatingIfNeeded: major),
                             deviceMinor: UInt32(truncatingIfNeeded: minor),
                             inode: inode, backing: MemoryMapping.Backing(path: pathText))
    }
}
