/// One line of /proc/PID/maps: a range of a process's address space and what backs it.
public struct MemoryMapping: Hashable, Sendable {
    /// What the kernel says backs a mapping (the path column, classified).
    public enum Backing: Hashable, Sendable {
        /// A file still reachable at `path`.
        case file(path: String)
        /// A file unlinked after mapping (` (deleted)` suffix removed from `path`).
        case deletedFile(path: String)
        /// A `memfd_create` file (`/memfd:NAME (deleted)`), typically JIT code.
        case memfd(name: String)
        case vdso
        case vsyscall
        case heap
        case stack
        /// No path, or `[anon:NAME]` set with `prctl(PR_SET_VMA_ANON_NAME)`.
        case anonymous(name: String?)
        /// Another bracketed kernel name (`[vvar]`, `[uprobes]`, …), brackets included.
        case pseudo(String)
    }

    public struct Permissions: Hashable, Sendable {
        public var isReadable: Bool
        public var isWritable: Bool
        public var isExecutable: Bool
        /// `s` (shared) rather than `p` (private, copy-on-write).
        public var isShared: Bool

        public init(isReadable: Bool, isWritable: Bool, isExecutable: Bool, isShared: Bool) {
            self.isReadable = isReadable
            self.isWritable = isWritable
            self.isExecutable = isExecutable
            self.isShared = isShared
        }
    }

    /// First address (inclusive).
    public var start: UInt64
    /// Address after the last (exclusive).
    public var end: UInt64
    public var permissions: Permissions
    /// Offset in the backing file of the byte mapped at `start`.
    public var fileOffset: UInt64
    /// The device holding the file, as `major:minor` (both 0 for anonymous memory).
    public var deviceMajor: UInt32
    public var deviceMinor: UInt32
    /// The file's inode (0 for anonymous memory).
    public var inode: UInt64
    public var backing: Backing

    public init(start: UInt64, end: UInt64, permissions: Permissions, fileOffset: UInt64,
                deviceMajor: UInt32, deviceMinor: UInt32, inode: UInt64, backing: Backing) {
        self.start = start
        self.end = end
        self.permissions = permissions
        self.fileOffset = fileOffset
        self.deviceMajor = deviceMajor
        self.deviceMinor = deviceMinor
        self.inode = inode
        self.backing = backing
    }

    public func contains(_ address: UInt64) -> Bool { address >= start && address < end }

    /// Offset in the backing file of the byte mapped at `address` (meaningful for file mappings).
    public func fileOffset(of address: UInt64) -> UInt64 { address - start + fileOffset }

    /// The file path for file-backed mappings (deleted ones included), else nil.
    public var path: String? {
        switch backing {
        case let .file(path), let .deletedFile(path): return path
        default: return nil
        }
    }

    /// The name a frame shows as its module: the file's basename, `[vdso]`, `[anon]`, `[memfd:NAME]`, ….
    public var moduleName: String {
        switch backing {
        case let .file(path), let .deletedFile(path):
            guard let slash = path.lastIndex(of: "/") else { return path }
            return String(path[path.index(after: slash)...])
        case let .memfd(name): return "[memfd:\(name)]"
        case .vdso: return "[vdso]"
        case .vsyscall: return "[vsyscall]"
        case .heap: return "[heap]"
        case .stack: return "[stack]"
        case let .anonymous(name): return name.map { "[anon:\($0)]" } ?? "[anon]"
        case let .pseudo(name): return name
        }
    }
}

extension MemoryMapping.Backing {
    /// Classifies the path column of a maps line (`path` already without padding).
    init(path: String) {
        let deletedSuffix = " (deleted)"
        switch path {
        case "": self = .anonymous(name: nil)
        case "[vdso]": self = .vdso
        case "[vsyscall]": self = .vsyscall
        case "[heap]": self = .heap
        case "[stack]": self = .stack
        default:
            if path.hasPrefix("[anon:"), path.hasSuffix("]") {
                self = .anonymous(name: String(path.dropFirst(6).dropLast()))
            } else if path.hasPrefix("[") {
                // Kernels before 4.5 named thread stacks `[stack:TID]`.
                self = path.hasPrefix("[stack:") ? .stack : .pseudo(path)
            } else if path.hasPrefix("/memfd:") {
                var name = path.dropFirst(7)
                if name.hasSuffix(deletedSuffix) { name = name.dropLast(deletedSuffix.count) }
                self = .memfd(name: String(name))
            } else if path.hasSuffix(deletedSuffix) {
                self = .deletedFile(path: String(path.dropLast(deletedSuffix.count)))
            } else {
                self = .file(path: path)
            }
        }
    }
}
