import CElfutils
import Glibc

/// Sums over an ELF file's section headers (name and header of each), without
/// reading section data: what the memory budget charges for a file before
/// libdw or libdwfl open it.
enum ElfSections {
    /// `bytes(name, header, section)` summed over the sections of `elf`.
    static func sum(_ elf: OpaquePointer, _ bytes: (String, GElf_Shdr, OpaquePointer) -> Int) -> Int {
        var stringsIndex = 0
        guard elf_getshdrstrndx(elf, &stringsIndex) == 0 else { return 0 }
        var total = 0
        var section = elf_nextscn(elf, nil)
        while let current = section {
            defer { section = elf_nextscn(elf, current) }
            var header = GElf_Shdr()
            guard gelf_getshdr(current, &header) != nil,
                  let name = elf_strptr(elf, stringsIndex, Int(header.sh_name)) else { continue }
            total += bytes(String(cString: name), header, current)
        }
        return total
    }

    /// As `sum(_:_:)` for the file at `path`; 0 when it cannot be read as ELF.
    static func sum(path: String, _ bytes: (String, GElf_Shdr, OpaquePointer) -> Int) -> Int {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        _ = elf_version(UInt32(EV_CURRENT))
        guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else { return 0 }
        defer { elf_end(elf) }
        return sum(elf, bytes)
    }

    /// The inflated size of a compressed section, else its size.
    static func inflatedSize(_ header: GElf_Shdr, _ section: OpaquePointer) -> Int {
        var compression = GElf_Chdr()
        if header.sh_flags & UInt64(SHF_COMPRESSED) != 0, gelf_getchdr(section, &compression) != nil {
            return Int(compression.ch_size)
        }
        return Int(header.sh_size)
    }
}
