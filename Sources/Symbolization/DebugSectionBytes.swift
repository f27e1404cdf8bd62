import CElfutils

/// The bytes of a file's DWARF sections (`.debug_*`, inflated size where
/// compressed): what indexing its debug information may bring into memory, as
/// the symbolizer's memory budget counts it before the file is opened with libdw.
enum DebugSectionBytes {
    static func of(path: String) -> Int {
        ElfSections.sum(path: path) { name, header, section in
            guard header.sh_type != UInt32(SHT_NOBITS), name.hasPrefix(".debug") else { return 0 }
            return ElfSections.inflatedSize(header, section)
        }
    }
}
