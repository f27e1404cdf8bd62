import CElfutils
import Glibc

/// The bytes of a file's DWARF sections (`.debug_*`, inflated size where
/// compressed): what indexing its debug information may bring into memory, as
/// the symbolizer's memory budget counts it before the file is opened with libdw.
enum DebugSectionBytes {
    static func of(path: String) -> Int {
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
            guard gelf_getshdr(current, &header) != nil, header.sh_type != UInt32(SHT_NOBITS),
                  let name = elf_strptr(elf, stringsIndex, Int(header.sh_name)),
                  String(cString: name).hasPrefix(".debug") else { continue }
            var compression = GElf_Chdr()
            if header.sh_flags & UInt64(SHF_COMPRESSED) != 0, gelf_getchdr(current, &compression) != nil {
                total += Int(compression.ch_size)
            } else {
                total += Int(header.sh_size)
            }
        }
        return total
    }
}
