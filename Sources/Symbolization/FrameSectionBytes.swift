import CElfutils
import Glibc
import Synchronization

/// The `.eh_frame` and `.debug_frame` bytes of a file, from its section
/// headers alone: what the DWARF unwinder's budget charges for a module's CFI.
/// Cached by path (processes share libraries); bounded.
enum FrameSectionBytes {
    private static let cache = Mutex<[String: Int]>([:])
    private static let cacheLimit = 4096

    static func of(path: String) -> Int {
        if let known = cache.withLock({ $0[path] }) { return known }
        let bytes = read(path)
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll() }
            cache[path] = bytes
        }
        return bytes
    }

    private static func read(_ path: String) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        _ = elf_version(UInt32(EV_CURRENT))
        guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else { return 0 }
        defer { elf_end(elf) }
        var stringsIndex = 0
        guard elf_getshdrstrndx(elf, &stringsIndex) == 0 else { return 0 }
        var total = 0
        var section = elf_nextscn(elf, nil)
        while let current = section {
            defer { section = elf_nextscn(elf, current) }
            var header = GElf_Shdr()
            guard gelf_getshdr(current, &header) != nil,
                  let name = elf_strptr(elf, stringsIndex, Int(header.sh_name)) else { continue }
            let text = String(cString: name)
            if text == ".eh_frame" || text == ".debug_frame" { total += Int(header.sh_size) }
        }
        return total
    }
}
