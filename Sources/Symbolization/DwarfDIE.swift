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

extension DwarfDIE {
    /// Where a function's code starts: DW_AT_entry_pc or DW_AT_low_pc; nil for one with DW_AT_ranges only.
    static func entry(of die: inout Dwarf_Die) -> UInt64? {
        var address: Dwarf_Addr = 0
        return dwarf_entrypc(&die, &address) == 0 && address != 0 ? address : nil
    }

    /// A string attribute of the DIE itself (not followed through references).
    static func string(_ code: Int, of die: inout Dwarf_Die) -> String? {
        var attribute = Dwarf_Attribute()
        guard dwarf_attr(&die, UInt32(code), &attribute) != nil, let text = dwarf_formstring(&attribute) else { return nil }
        return String(cString: text)
    }

    /// The DIE a reference attribute of the DIE itself points at.
    static func reference(_ code: Int, of die: inout Dwarf_Die) -> Dwarf_Die? {
        var attribute = Dwarf_Attribute()
        var target = Dwarf_Die()
        guard dwarf_attr(&die, UInt32(code), &attribute) != nil, dwarf_formref_die(&attribute, &target) != nil else { return nil }
        return target
    }

    /// The end of the DW_AT_abstract_origin / DW_AT_specification chain: the declaration
    /// that sits among the namespaces and classes enclosing the function. At most eight
    /// steps, against reference loops in broken DWARF.
    static func declaration(of die: Dwarf_Die) -> Dwarf_Die {
        var current = die
        for _ in 0..<8 {
            guard let next = reference(DW_AT_abstract_origin, of: &current) ?? reference(DW_AT_specification, of: &current)
            else { break }
            current = next
        }
        return current
    }
}
