import CElfutils
import Glibc

/// What makes two opened files the same module for the shared cache: the GNU build-id
/// and size when the file has one (the same library in two containers is one module), else
/// device, inode and modification time (a file rewritten in place is a new module).
enum ModuleIdentity: Hashable, Sendable {
    /// The size tells apart copies of one build stripped differently (the original, the
    /// stripped binary, its debug file all share the build-id).
    case buildID([UInt8], size: Int)
    case file(device: UInt64, inode: UInt64, seconds: Int, nanoseconds: Int)

    /// Opens `path` (refusing another inode than `expectedInode`) and reads only the
    /// build-id note through the program headers: cheap next to reading the symbols.
    static func read(path: String, expectedInode: UInt64?) throws(SymbolizationError) -> ModuleIdentity {
        try ElfLibrary.ensureReady(path: path)
        let fd = try ProcFile.open(path)
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw .cannotRead(path: path, errno: errno) }
        if let expectedInode, UInt64(status.st_ino) != expectedInode {
            throw .fileReplaced(path: path, mappedInode: expectedInode, foundInode: UInt64(status.st_ino))
        }
        if let elf = elf_begin(fd, ELF_C_READ, nil) {
            defer { elf_end(elf) }
            if elf_kind(elf) == ELF_K_ELF, let id = ElfReader(elf: elf, path: path).buildIDFromProgramHeaders(),
               !id.isEmpty {
                return .buildID(id, size: Int(status.st_size))
            }
        }
        return .file(device: UInt64(status.st_dev), inode: UInt64(status.st_ino),
                     seconds: status.st_mtim.tv_sec, nanoseconds: status.st_mtim.tv_nsec)
    }
}
