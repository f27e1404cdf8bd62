import CElfutils
import Glibc

/// Walks one open libelf handle: PT_LOAD headers, function symbols of .symtab and
/// .dynsym, and the GNU build-id note. Used only inside `ElfSymbolTable`'s initializers.
struct ElfReader {
    let elf: OpaquePointer
    let path: String
    /// The file `elf` reads, when it is one: a large symbol table's names are then read
    /// back from it (`SymbolNameFile`) rather than copied.
    var descriptor: Int32? = nil

    /// String tables beyond this many bytes stay in the file.
    static let maximumCopiedNameBytes = 2 << 20

    /// What `read` finds.
    struct Contents {
        var segments: [ElfSymbolTable.LoadSegment]
        var buildID: [UInt8]?
        var symbols: SymbolIndex
        /// The file name in `.gnu_debuglink` (the separate debug file's name, no directory).
        var debugLink: String?
        /// True when the file carries DWARF itself (`.debug_info`, maybe compressed).
        var hasDebugInfo: Bool
        /// True when the file has `.symtab` (not stripped), not only `.dynsym`.
        var hasFullSymbolTable: Bool
    }

    func read() throws(SymbolizationError) -> Contents {
        guard elf_kind(elf) == ELF_K_ELF else {
            throw .notELF(path: path, reason: "no ELF header")
        }
        var header = GElf_Ehdr()
        guard gelf_getehdr(elf, &header) != nil else { throw failure("gelf_getehdr") }
        let segments = try loadSegments()
        let sections = try sectionHeaders()
        let symbols = functionSymbols(sections: sections)
        let buildID = buildIDFromSections(sections) ?? buildIDFromProgramHeaders()
        var debugLink: String?
        var hasDebugInfo = false
        var namesIndex = 0
        if elf_getshdrstrndx(elf, &namesIndex) == 0 {
            for case let section? in sections {
                guard let name = elf_strptr(elf, namesIndex, Int(section.header.sh_name)) else { continue }
                if strcmp(name, ".debug_info") == 0 || strcmp(name, ".zdebug_info") == 0 {
                    hasDebugInfo = section.header.sh_type != UInt32(SHT_NOBITS)
                } else if strcmp(name, ".gnu_debuglink") == 0, let data = elf_getdata(section.scn, nil),
                          let bytes = data.pointee.d_buf, data.pointee.d_size > 4 {
                    // The name, NUL-padded to 4 bytes, then a CRC-32 (gdb manual, "Separate Debug Files").
                    let text = bytes.assumingMemoryBound(to: CChar.self)
                    let length = strnlen(text, data.pointee.d_size)
                    if length > 0, length < data.pointee.d_size {
                        debugLink = String(cString: text)
                    }
                }
            }
        }
        let hasFullSymbolTable = sections.contains { $0?.header.sh_type == UInt32(SHT_SYMTAB) }
        return Contents(segments: segments, buildID: buildID, symbols: symbols, debugLink: debugLink,
                        hasDebugInfo: hasDebugInfo, hasFullSymbolTable: hasFullSymbolTable)
    }

    private func failure(_ operation: String) -> SymbolizationError {
        .elf(path: path, operation: operation, message: ElfLibrary.lastError())
    }

    private func loadSegments() throws(SymbolizationError) -> [ElfSymbolTable.LoadSegment] {
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else { throw failure("elf_getphdrnum") }
        var segments: [ElfSymbolTable.LoadSegment] = []
        for number in 0..<count {
            var header = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(number), &header) != nil else { throw failure("gelf_getphdr") }
            guard header.p_type == UInt32(PT_LOAD) else { continue }
            segments.append(.init(virtualAddress: header.p_vaddr, fileOffset: header.p_offset,
                                  fileSize: header.p_filesz, memorySize: header.p_memsz,
                                  isExecutable: header.p_flags & UInt32(PF_X) != 0))
        }
        return segments
    }

    private struct Section {
        var scn: OpaquePointer
        var header: GElf_Shdr
    }

    /// Every section header, indexed by section number (index 0 is the null section).
    private func sectionHeaders() throws(SymbolizationError) -> [Section?] {
        var count = 0
        guard elf_getshdrnum(elf, &count) == 0 else { throw failure("elf_getshdrnum") }
        var sections = [Section?](repeating: nil, count: count)
        var scn = elf_nextscn(elf, nil)
        while let current = scn {
            var header = GElf_Shdr()
            if gelf_getshdr(current, &header) != nil {
                let number = elf_ndxscn(current)
                if number < count { sections[number] = Section(scn: current, header: header) }
            }
            scn = elf_nextscn(elf, current)
        }
        return sections
    }

    /// STT_FUNC and STT_GNU_IFUNC symbols defined in this file. A size-0 symbol may reach
    /// at most to its section's end. Global names win over weak, weak over local, where
    /// several name one address (the vdso's `__vdso_clock_gettime` over weak `clock_gettime`).
    private func functionSymbols(sections: [Section?]) -> SymbolIndex {
        // Large string tables stay in the file and are never read here: libelf would copy
        // them whole (38 MB at once for a compiler).
        if let file = nameFile(sections: sections) {
            var count = 0
            forEachFunctionSymbol(sections: sections, readingNames: false) { _, _, _, _, _ in count += 1 }
            var builder = SymbolIndex.Builder(expectedCount: count, namesIn: file)
            forEachFunctionSymbol(sections: sections, readingNames: false) { symbol, limit, _, rank, fileOffset in
                builder.add(start: symbol.st_value, size: symbol.st_size, limit: limit,
                            nameAt: UInt32(fileOffset), rank: rank)
            }
            return builder.build()
        }
        // Two passes: the first counts, so the index is allocated once at its size.
        var count = 0
        var nameBytes = 0
        forEachFunctionSymbol(sections: sections, readingNames: true) { _, _, name, _, _ in
            count += 1
            nameBytes += strlen(name!)
        }
        var builder = SymbolIndex.Builder(expectedCount: count, expectedNameBytes: nameBytes)
        forEachFunctionSymbol(sections: sections, readingNames: true) { symbol, limit, name, rank, _ in
            let length = strlen(name!)
            name!.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                builder.add(start: symbol.st_value, size: symbol.st_size, limit: limit,
                            name: UnsafeBufferPointer(start: bytes, count: length), rank: rank)
            }
        }
        return builder.build()
    }

    /// Where names are read back from, when the symbol tables' strings exceed
    /// `maximumCopiedNameBytes`, lie uncompressed in the file and within 4 GiB of its start.
    private func nameFile(sections: [Section?]) -> SymbolNameFile? {
        guard let descriptor else { return nil }
        var bytes: UInt64 = 0
        for case let section? in sections
        where section.header.sh_type == UInt32(SHT_SYMTAB) || section.header.sh_type == UInt32(SHT_DYNSYM) {
            let link = Int(section.header.sh_link)
            guard link < sections.count, let strings = sections[link],
                  strings.header.sh_flags & UInt64(SHF_COMPRESSED) == 0,
                  strings.header.sh_type == UInt32(SHT_STRTAB),
                  strings.header.sh_offset &+ strings.header.sh_size < UInt64(UInt32.max) else { return nil }
            bytes += strings.header.sh_size
        }
        guard bytes > UInt64(Self.maximumCopiedNameBytes) else { return nil }
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        return copy >= 0 ? SymbolNameFile(descriptor: copy) : nil
    }

    /// Calls `body` with each function symbol, the end of its section, its name (when
    /// `readingNames`; otherwise only checked to lie inside its string table), its rank,
    /// and where the name lies in the file.
    private func forEachFunctionSymbol(
        sections: [Section?], readingNames: Bool,
        _ body: (GElf_Sym, UInt64, UnsafeMutablePointer<CChar>?, UInt8, UInt64) -> Void
    ) {
        for case let section? in sections {
            let type = section.header.sh_type
            guard type == UInt32(SHT_SYMTAB) || type == UInt32(SHT_DYNSYM),
                  section.header.sh_entsize > 0,
                  let data = elf_getdata(section.scn, nil) else { continue }
            let count = Int(section.header.sh_size / section.header.sh_entsize)
            let stringSection = Int(section.header.sh_link)
            guard stringSection < sections.count, let strings = sections[stringSection] else { continue }
            for number in 0..<count {
                var symbol = GElf_Sym()
                guard gelf_getsym(data, Int32(number), &symbol) != nil else { continue }
                let symbolType = Int32(symbol.st_info & 0xf)
                let binding = Int32(symbol.st_info >> 4)
                let sectionNumber = Int(symbol.st_shndx)
                guard symbolType == STT_FUNC || symbolType == STT_GNU_IFUNC,
                      sectionNumber != Int(SHN_UNDEF), sectionNumber < Int(SHN_LORESERVE),
                      symbol.st_value != 0, symbol.st_name != 0,
                      UInt64(symbol.st_name) < strings.header.sh_size else { continue }
                var name: UnsafeMutablePointer<CChar>?
                if readingNames {
                    guard let found = elf_strptr(elf, stringSection, Int(symbol.st_name)) else { continue }
                    name = found
                }
                var limit = UInt64.max
                if sectionNumber < sections.count, let owner = sections[sectionNumber] {
                    limit = owner.header.sh_addr &+ owner.header.sh_size
                }
                body(symbol, limit, name, binding == STB_GLOBAL ? 2 : (binding == STB_WEAK ? 1 : 0),
                     strings.header.sh_offset + UInt64(symbol.st_name))
            }
        }
    }

    private func buildIDFromSections(_ sections: [Section?]) -> [UInt8]? {
        for case let section? in sections where section.header.sh_type == UInt32(SHT_NOTE) {
            if let data = elf_getdata(section.scn, nil), let id = buildID(inNotes: data) { return id }
        }
        return nil
    }

    /// Files without section headers still carry the note in a PT_NOTE segment.
    func buildIDFromProgramHeaders() -> [UInt8]? {
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else { return nil }
        for number in 0..<count {
            var header = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(number), &header) != nil, header.p_type == UInt32(PT_NOTE),
                  let data = elf_getdata_rawchunk(elf, Int64(header.p_offset), Int(header.p_filesz), ELF_T_NHDR)
            else { continue }
            if let id = buildID(inNotes: data) { return id }
        }
        return nil
    }

    private func buildID(inNotes data: UnsafeMutablePointer<Elf_Data>) -> [UInt8]? {
        guard let base = data.pointee.d_buf else { return nil }
        var offset = 0
        while true {
            var note = GElf_Nhdr()
            var nameOffset = 0
            var descriptorOffset = 0
            let next = gelf_getnote(data, offset, &note, &nameOffset, &descriptorOffset)
            if next == 0 { return nil }
            offset = next
            guard note.n_type == UInt32(NT_GNU_BUILD_ID), note.n_namesz == 4,
                  memcmp(base + nameOffset, "GNU", 4) == 0 else { continue }
            let bytes = UnsafeRawBufferPointer(start: base + descriptorOffset, count: Int(note.n_descsz))
            return Array(bytes)
        }
    }
}
