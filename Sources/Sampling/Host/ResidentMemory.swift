import CMalloc
import Glibc

/// The resident size of this process from /proc/self/statm (its second field,
/// in pages): what the kernel charges flametop, to check the budget's own count.
enum ResidentMemory {
    static func bytes() -> Int? {
        let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        let fields = buffer[0..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Hands the pages of freed heap blocks back to the kernel (`malloc_trim`). glibc
    /// returns only the heap's top on its own; what a module load freed below live blocks
    /// stayed resident: 20 MB of a system-wide session's 116 MB, measured.
    static func returnFreedPages() {
        _ = malloc_trim(0)
    }
}
