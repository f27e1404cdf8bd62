import CElfutils

/// Small helpers over libdw's DIE calls shared by the unit table and the unit index.
enum DwarfDIE {
    /// The code ranges of a DIE (DW_AT_low_pc/high_pc or DW_AT_ranges), empty when it has none.
    static func ranges(of die: inout Dwarf_Die) -> [(start: UInt64, end: UInt64)] {
        var result: [(start: UInt64, end: UInt64)] = []
        var base: Dwarf_Addr = 0
        var start: Dwarf_Addr = 0
        var end: Dwarf_Addr = 0
        var offset = dwarf_ranges(&die, 0, &base, &start, &end)
        while offset > 0 {
            // A range at 0 is code the linker discarded (gc-sections, COMDAT duplicates).
            if end > start, start != 0 { result.append((start, end)) }
            offset = dwarf_ranges(&die, offset, &base, &start, &end)
        }
        return result
    }
}
