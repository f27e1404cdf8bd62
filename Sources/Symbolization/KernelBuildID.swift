/// The running kernel's GNU build-id, from the ELF notes the kernel exports in
/// /sys/kernel/notes (Documentation/ABI/testing/sysfs-kernel-notes): what perf
/// records for `[kernel.kallsyms]`, and what finds the kernel's debug file.
enum KernelBuildID {
    /// NT_GNU_BUILD_ID (elf.h).
    static let noteType: UInt32 = 3

    static func read(path: String = "/sys/kernel/notes") -> [UInt8]? {
        guard let bytes = try? ProcFile.readAll(path, initialCapacity: 4096) else { return nil }
        return parse(notes: bytes)
    }

    /// Walks `namesz, descsz, type, name, desc` records (each part 4-byte aligned) to the
    /// first GNU build-id note.
    static func parse(notes bytes: [UInt8]) -> [UInt8]? {
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        func aligned(_ size: Int) -> Int { (size + 3) & ~3 }
        var offset = 0
        while offset + 12 <= bytes.count {
            let nameSize = Int(word(offset)), descriptionSize = Int(word(offset + 4)), type = word(offset + 8)
            let name = offset + 12
            let description = name + aligned(nameSize)
            guard description + descriptionSize <= bytes.count else { return nil }
            if type == noteType, nameSize == 4, bytes[name..<name + 4].elementsEqual(Array("GNU\0".utf8)),
               descriptionSize > 0 {
                return Array(bytes[description..<description + descriptionSize])
            }
            offset = description + aligned(descriptionSize)
        }
        return nil
    }
}
