import CElfutils
import Glibc

/// The DWARF of one file (a binary, or its separate debug file), read through libdw.
/// Opening reads only the compilation units' address ranges (from each unit's DIE, not
/// .debug_aranges, which clang does not emit); a unit's functions, inlined calls and lines
/// are indexed the first time an address falls in it.
final class DebugInfo {
    let path: String
    private let elf: OpaquePointer
    private let dwarf: OpaquePointer
    private var units: [Dwarf_Die] = []
    private var unitRanges: [(start: UInt64, end: UInt64, unit: Int)] = []
    private var indexes: [CompileUnitIndex?] = []
    private var strings = StringTable()

    /// Opens `path`; nil when it has no DWARF (libdw reports DWARF_E_NO_DWARF), cannot be
    /// read, or its compressed debug sections would inflate beyond `maximumDecompressedBytes`.
    init?(path: String, maximumDecompressedBytes: Int? = nil) {
        guard (try? ElfLibrary.ensureReady(path: path)) != nil else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        // The whole file is mapped, so the descriptor is not needed once libelf has it:
        // no descriptor per module stays open.
        guard let elf = elf_begin(fd, ELF_C_READ_MMAP, nil) else {
            close(fd)
            return nil
        }
        _ = elf_cntl(elf, ELF_C_FDDONE)
        close(fd)
        if let limit = maximumDecompressedBytes, Self.decompressedDebugBytes(elf) > limit {
            elf_end(elf)
            return nil
        }
        guard let dwarf = dwarf_begin_elf(elf, DWARF_C_READ, nil) else {
            elf_end(elf)
            return nil
        }
        self.path = path
        self.elf = elf
        self.dwarf = dwarf
        readUnits()
        if units.isEmpty { return nil }
    }

    deinit {
        dwarf_end(dwarf)
        elf_end(elf)
    }

    /// The memory the compressed `.debug_*` sections take once inflated: libdw 0.188
    /// inflates every compressed debug section into the heap when it opens a file
    /// (uncompressed sections stay file-backed mappings).
    static func decompressedDebugBytes(_ elf: OpaquePointer) -> Int {
        ElfSections.sum(elf) { name, header, section in
            guard header.sh_flags & UInt64(SHF_COMPRESSED) != 0, name.hasPrefix(".debug") else { return 0 }
            return ElfSections.inflatedSize(header, section)
        }
    }

    var unitCount: Int { units.count }

    private func readUnits() {
        var unit: OpaquePointer?
        var next: OpaquePointer?
        var version: Dwarf_Half = 0
        var type: UInt8 = 0
        var die = Dwarf_Die()
        var subDIE = Dwarf_Die()
        while dwarf_get_units(dwarf, unit, &next, &version, &type, &die, &subDIE) == 0 {
            unit = next
            guard type == UInt8(DW_UT_compile) || type == UInt8(DW_UT_partial) || type == UInt8(DW_UT_skeleton) else { continue }
            let number = units.count
            units.append(die)
            var copy = die
            for range in DwarfDIE.ranges(of: &copy) { unitRanges.append((range.start, range.end, number)) }
        }
        indexes = Array(repeating: nil, count: units.count)
        unitRanges.sort { $0.start < $1.start }
    }

    /// Source frames for the ELF virtual address `address`, leaf first; empty when no unit
    /// covers it.
    func frames(at address: UInt64) -> [SourceFrame] {
        for unit in units(covering: address) {
            let frames = index(of: unit).frames(at: address, strings: strings)
            if !frames.isEmpty { return frames }
        }
        return []
    }

    /// Indexes every unit now (the benchmark's warm state; a long session reaches it by use).
    func indexAll() {
        for unit in units.indices { _ = index(of: unit) }
    }

    private func index(of unit: Int) -> CompileUnitIndex {
        if let known = indexes[unit] { return known }
        let built = CompileUnitIndex(unitDIE: units[unit], strings: &strings)
        indexes[unit] = built
        return built
    }

    /// Units whose ranges hold `address`, nearest start first (ranges of broken or
    /// partial units may overlap).
    private func units(covering address: UInt64) -> [Int] {
        let low = partitionPoint(0..<unitRanges.count) { unitRanges[$0].start > address }
        var found: [Int] = []
        var candidate = low - 1
        while candidate >= 0, found.count < 4, candidate >= low - 64 {
            let range = unitRanges[candidate]
            if address < range.end, !found.contains(range.unit) { found.append(range.unit) }
            candidate -= 1
        }
        return found
    }
}
