import CElfutils
import Glibc

/// The function symbols and load layout of one ELF file, read with libelf into plain
/// Swift arrays: no file descriptor or libelf handle outlives the initializer.
public struct ElfSymbolTable: Sendable {
    /// A `PT_LOAD` program header: which file bytes land at which virtual address.
    public struct LoadSegment: Hashable, Sendable {
        public var virtualAddress: UInt64
        public var fileOffset: UInt64
        public var fileSize: UInt64
        public var memorySize: UInt64
        public var isExecutable: Bool
    }

    /// A function symbol covering a looked-up address.
    public struct Symbol: Hashable, Sendable {
        public var name: String
        /// ELF virtual address of the symbol's first byte.
        public var address: UInt64
        /// Bytes covered: the symbol's size, or the distance to the next symbol for size-0 symbols.
        public var size: UInt64
    }

    public let segments: [LoadSegment]
    /// The GNU build-id note (`NT_GNU_BUILD_ID`), when the file has one.
    public let buildID: [UInt8]?
    /// The separate debug file's name from `.gnu_debuglink`.
    public let debugLink: String?
    /// True when this file holds DWARF itself.
    public let hasDebugInfo: Bool
    /// True when the file has `.symtab`, not only the exported symbols of `.dynsym`.
    public let hasFullSymbolTable: Bool
    private let index: SymbolIndex

    public var symbolCount: Int { index.count }

    /// True when the names are read back from the file on demand (a large table).
    var keepsNamesInFile: Bool { index.keepsNamesInFile }

    /// The bytes the table holds in memory (its sorted symbols and their names).
    public var byteCount: Int { index.byteCount + segments.capacity * MemoryLayout<LoadSegment>.stride }

    /// Every function symbol's name as stored, in address order.
    public var functionNames: LazyMapSequence<Range<Int>, String> {
        (0..<index.count).lazy.map { [index] in index.name(at: $0) }
    }

    /// The build-id as lowercase hex (as `file` and debuginfod print it).
    public var buildIDHex: String? {
        buildID.map(BuildIDText.hex)
    }

    /// Reads the file at `path`. With `expectedInode`, refuses a file whose inode differs
    /// (a binary replaced on disk after a process mapped the old one).
    public init(path: String, expectedInode: UInt64? = nil) throws(SymbolizationError) {
        try ElfLibrary.ensureReady(path: path)
        let fd = try ProcFile.open(path)
        defer { close(fd) }
        if let expectedInode {
            var status = stat()
            guard fstat(fd, &status) == 0 else { throw .cannotRead(path: path, errno: errno) }
            guard UInt64(status.st_ino) == expectedInode else {
                throw .fileReplaced(path: path, mappedInode: expectedInode, foundInode: UInt64(status.st_ino))
            }
        }
        // ELF_C_READ, not ELF_C_READ_MMAP: a file truncated while mapped would raise SIGBUS.
        guard let elf = elf_begin(fd, ELF_C_READ, nil) else {
            throw .notELF(path: path, reason: ElfLibrary.lastError())
        }
        defer { elf_end(elf) }
        self.init(try ElfReader(elf: elf, path: path, descriptor: fd).read())
    }

    private init(_ contents: ElfReader.Contents) {
        segments = contents.segments
        buildID = contents.buildID
        index = contents.symbols
        debugLink = contents.debugLink
        hasDebugInfo = contents.hasDebugInfo
        hasFullSymbolTable = contents.hasFullSymbolTable
    }

    /// Parses an ELF image held in memory (the vdso, copied out of a process). `name` labels errors.
    public init(image: [UInt8], name: String) throws(SymbolizationError) {
        try ElfLibrary.ensureReady(path: name)
        var bytes = image
        let result: Result<ElfReader.Contents, SymbolizationError> =
            bytes.withUnsafeMutableBytes { buffer in
                let start = buffer.baseAddress?.assumingMemoryBound(to: CChar.self)
                guard let elf = elf_memory(start, buffer.count) else {
                    return .failure(.notELF(path: name, reason: ElfLibrary.lastError()))
                }
                defer { elf_end(elf) }
                return Result { () throws(SymbolizationError) in try ElfReader(elf: elf, path: name).read() }
            }
        self.init(try result.get())
    }

    /// The ELF virtual address of the byte at `fileOffset`: what `nm` and `addr2line` use.
    /// Prefers an executable segment where two segments share a page of the file.
    public func virtualAddress(fileOffset: UInt64) -> UInt64? {
        var fallback: UInt64?
        for segment in segments
        where fileOffset >= segment.fileOffset && fileOffset - segment.fileOffset < segment.fileSize {
            let address = fileOffset - segment.fileOffset &+ segment.virtualAddress
            if segment.isExecutable { return address }
            if fallback == nil { fallback = address }
        }
        return fallback
    }

    /// The function symbol covering the ELF virtual address `address`.
    public func symbol(at address: UInt64) -> Symbol? {
        guard let found = index.index(covering: address) else { return nil }
        let start = index.start(at: found)
        return Symbol(name: index.name(at: found), address: start, size: index.end(at: found) - start)
    }
}

/// Process-wide libelf set-up: `elf_version` must be called once before any other call.
enum ElfLibrary {
    private static let ready: Bool = elf_version(UInt32(EV_CURRENT)) != UInt32(EV_NONE)

    static func ensureReady(path: String) throws(SymbolizationError) {
        guard ready else { throw .elf(path: path, operation: "elf_version", message: lastError()) }
    }

    static func lastError() -> String {
        elf_errmsg(-1).map { String(cString: $0) } ?? "unknown libelf error"
    }
}
