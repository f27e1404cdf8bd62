import CElfutils
import Glibc

/// Where each function of an ELF file starts and ends, known without any symbol: the
/// call-frame information (`.eh_frame`, and `.debug_frame` where the file has one) holds one
/// FDE per function (GCC gives a `.cold` part its own). Read once into sorted arrays, so a
/// lookup is a binary search and no libelf handle outlives the initializer.
///
/// libdw walks the entries (`dwarf_next_cfi`), but keeps FDE lookup (`__libdw_find_fde`)
/// private and `dwarf_frame_info` gives the range of one CFI row, not of the FDE; so the
/// FDE's two encoded addresses are decoded here, with the pointer encoding its CIE names
/// (LSB "Linux Standard Base Core Specification", 10.5 and 10.6: DW_EH_PE_*).
public struct FunctionBoundsIndex: Sendable {
    public let path: String
    private let starts: [UInt64]
    /// Sizes, not ends: a large binary has a million FDEs, and no function spans 4 GiB.
    private let sizes: [UInt32]
    private let segments: [ElfSymbolTable.LoadSegment]

    /// Functions (FDEs) found.
    public var count: Int { starts.count }

    /// The bytes the index holds in memory.
    public var byteCount: Int { starts.capacity * 8 + sizes.capacity * 4 }

    /// Reads the file at `path`; throws when it cannot be read, and also when it has no
    /// call-frame information at all (`.elf` naming `dwarf_next_cfi`).
    public init(path: String) throws(SymbolizationError) {
        try ElfLibrary.ensureReady(path: path)
        let fd = try ProcFile.open(path)
        defer { close(fd) }
        // ELF_C_READ, not ELF_C_READ_MMAP: a file truncated while mapped would raise SIGBUS.
        guard let elf = elf_begin(fd, ELF_C_READ, nil) else {
            throw .notELF(path: path, reason: ElfLibrary.lastError())
        }
        defer { elf_end(elf) }
        var ranges: [(start: UInt64, end: UInt64)] = []
        var found = false
        for (name, isEHFrame) in [(".eh_frame", true), (".debug_frame", false)] {
            guard let section = Self.section(named: name, elf) else { continue }
            found = true
            Self.readFDEs(elf: elf, section: section, isEHFrame: isEHFrame, into: &ranges)
        }
        guard found else {
            throw .elf(path: path, operation: "dwarf_next_cfi", message: "no .eh_frame or .debug_frame")
        }
        ranges.sort { ($0.start, $0.end) < ($1.start, $1.end) }
        self.path = path
        starts = ranges.map(\.start)
        sizes = ranges.map { UInt32(clamping: $0.end &- $0.start) }
        segments = Self.loadSegments(elf)
    }

    /// The `[start, end)` ELF virtual addresses of the function holding `address` (an ELF
    /// virtual address, as `nm` and `addr2line` take), nil where no FDE covers it.
    public func function(containing address: UInt64) -> Range<UInt64>? {
        var candidate = partitionPoint(0..<starts.count) { starts[$0] > address } - 1
        // FDEs do not nest, but .eh_frame and .debug_frame may both describe one function.
        let oldest = max(0, candidate - 2)
        while candidate >= oldest {
            let end = starts[candidate] + UInt64(sizes[candidate])
            if address < end { return starts[candidate]..<end }
            candidate -= 1
        }
        return nil
    }

    /// As `function(containing:)` for a file offset (what a mapping's offset gives): the
    /// range comes back as ELF virtual addresses.
    public func function(containingFileOffset offset: UInt64) -> Range<UInt64>? {
        for segment in segments
        where segment.isExecutable && offset >= segment.fileOffset && offset - segment.fileOffset < segment.fileSize {
            return function(containing: offset - segment.fileOffset + segment.virtualAddress)
        }
        return nil
    }

    // MARK: Reading

    private static func readFDEs(elf: OpaquePointer, section: OpaquePointer, isEHFrame: Bool,
                                 into ranges: inout [(start: UInt64, end: UInt64)]) {
        var header = GElf_Shdr()
        guard gelf_getshdr(section, &header) != nil, header.sh_type != UInt32(SHT_NOBITS),
              let data = elf_getdata(section, nil), let base = data.pointee.d_buf,
              let rawIdentification = elf_getident(elf, nil) else { return }
        let identification = UnsafeRawPointer(rawIdentification).assumingMemoryBound(to: UInt8.self)
        let addressSize = identification[Int(EI_CLASS)] == UInt8(ELFCLASS32) ? 4 : 8
        let bytes = base.assumingMemoryBound(to: UInt8.self)
        let isLittleEndian = identification[Int(EI_DATA)] == UInt8(ELFDATA2LSB)
        var encodings: [Dwarf_Off: UInt8] = [:]
        var fdes: [(cie: Dwarf_Off, start: UnsafePointer<UInt8>)] = []
        var offset: Dwarf_Off = 0
        while true {
            var entry = Dwarf_CFI_Entry()
            var next: Dwarf_Off = 0
            let status = dwarf_next_cfi(identification, data, isEHFrame, offset, &next, &entry)
            if status > 0 || next == Dwarf_Off.max { break }
            if status == 0 {
                if entry.CIE_id == Dwarf_Off(LIBDW_CIE_ID) {
                    encodings[offset] = isEHFrame ? fdeEncoding(entry.cie, addressSize: addressSize) : absolutePointer
                } else if let start = entry.fde.start {
                    fdes.append((entry.fde.CIE_pointer, start))
                }
            }
            guard next > offset else { break }
            offset = next
        }
        let reader = PointerReader(sectionBase: UnsafePointer(bytes), sectionAddress: header.sh_addr,
                                   addressSize: addressSize, isLittleEndian: isLittleEndian)
        for fde in fdes {
            guard let encoding = encodings[fde.cie],
                  let (start, size) = reader.location(at: fde.start, encoding: encoding),
                  size > 0, start != 0, start &+ size > start else { continue }
            ranges.append((start, start &+ size))
        }
    }

    private static let absolutePointer: UInt8 = 0x00

    /// The FDE pointer encoding ('R') of a CIE's augmentation ("zR", "zPLR": data in letter order).
    private static func fdeEncoding(_ cie: Dwarf_CIE, addressSize: Int) -> UInt8 {
        guard let augmentation = cie.augmentation, augmentation.pointee == CChar(UInt8(ascii: "z")),
              let data = cie.augmentation_data else { return absolutePointer }
        var position = 0
        var letter = augmentation + 1
        while letter.pointee != 0, position < cie.augmentation_data_size {
            switch UInt8(bitPattern: letter.pointee) {
            case UInt8(ascii: "R"): return data[position]
            case UInt8(ascii: "L"): position += 1
            case UInt8(ascii: "P"):
                let encoding = data[position]
                position += 1 + PointerReader.size(of: encoding, addressSize: addressSize, at: data + position)
            default: break
            }
            letter += 1
        }
        return absolutePointer
    }

    private static func section(named wanted: String, _ elf: OpaquePointer) -> OpaquePointer? {
        var namesIndex = 0
        guard elf_getshdrstrndx(elf, &namesIndex) == 0 else { return nil }
        var section = elf_nextscn(elf, nil)
        while let current = section {
            var header = GElf_Shdr()
            if gelf_getshdr(current, &header) != nil, let name = elf_strptr(elf, namesIndex, Int(header.sh_name)),
               String(cString: name) == wanted { return current }
            section = elf_nextscn(elf, current)
        }
        return nil
    }

    private static func loadSegments(_ elf: OpaquePointer) -> [ElfSymbolTable.LoadSegment] {
        var count = 0
        guard elf_getphdrnum(elf, &count) == 0 else { return [] }
        var segments: [ElfSymbolTable.LoadSegment] = []
        for index in 0..<count {
            var header = GElf_Phdr()
            guard gelf_getphdr(elf, Int32(index), &header) != nil, header.p_type == UInt32(PT_LOAD) else { continue }
            segments.append(.init(virtualAddress: header.p_vaddr, fileOffset: header.p_offset, fileSize: header.p_filesz,
                                  memorySize: header.p_memsz, isExecutable: header.p_flags & UInt32(PF_X) != 0))
        }
        return segments
    }
}

/// Decodes DW_EH_PE-encoded pointers of one CFI section.
private struct PointerReader {
    let sectionBase: UnsafePointer<UInt8>
    let sectionAddress: UInt64
    let addressSize: Int
    let isLittleEndian: Bool

    /// Bytes a value of `encoding`'s format takes (ULEB128/SLEB128 measured at `pointer`).
    static func size(of encoding: UInt8, addressSize: Int, at pointer: UnsafePointer<UInt8>) -> Int {
        switch encoding & 0x0f {
        case 0x00: return addressSize
        case 0x02, 0x0a: return 2
        case 0x03, 0x0b: return 4
        case 0x04, 0x0c: return 8
        case 0x01, 0x09:
            var length = 1
            while pointer[length - 1] & 0x80 != 0, length < 10 { length += 1 }
            return length
        default: return addressSize
        }
    }

    /// An FDE's initial location (with the encoding's application: absolute or pc-relative)
    /// and its address range (the same format, never relative).
    func location(at pointer: UnsafePointer<UInt8>, encoding: UInt8) -> (start: UInt64, size: UInt64)? {
        guard encoding != 0xff, let start = value(at: pointer, format: encoding & 0x0f) else { return nil }
        let startSize = Self.size(of: encoding, addressSize: addressSize, at: pointer)
        guard let size = value(at: pointer + startSize, format: encoding & 0x0f) else { return nil }
        switch encoding & 0x70 {
        case 0x00: return (start, size)
        case 0x10: // DW_EH_PE_pcrel: relative to the field's own address.
            let fieldAddress = sectionAddress &+ UInt64(pointer - sectionBase)
            return (fieldAddress &+ start, size)
        default: return nil // textrel, datarel, funcrel: not used by .eh_frame FDEs on Linux.
        }
    }

    private func value(at pointer: UnsafePointer<UInt8>, format: UInt8) -> UInt64? {
        func read(_ count: Int) -> UInt64 {
            var result: UInt64 = 0
            for index in 0..<count {
                let byte = UInt64(pointer[isLittleEndian ? index : count - 1 - index])
                result |= byte << (8 * UInt64(index))
            }
            return result
        }
        switch format {
        case 0x00: return read(addressSize)
        case 0x02: return read(2)
        case 0x03: return read(4)
        case 0x04: return read(8)
        case 0x0a: return UInt64(bitPattern: Int64(Int16(truncatingIfNeeded: read(2))))
        case 0x0b: return UInt64(bitPattern: Int64(Int32(truncatingIfNeeded: read(4))))
        case 0x0c: return read(8)
        default: return nil
        }
    }
}
