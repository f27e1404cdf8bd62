/// The identity of a mapped file for caching its symbols: device and inode from the
/// maps line, which stay right for deleted binaries and across mount namespaces where
/// paths do not.
enum FileKey: Hashable {
    case file(device: UInt64, inode: UInt64)
    /// Every process of one kernel maps the same vdso image, so it is read once.
    case vdso

    init(_ mapping: MemoryMapping) {
        if case .vdso = mapping.backing {
            self = .vdso
        } else {
            self = .file(device: UInt64(mapping.deviceMajor) << 32 | UInt64(mapping.deviceMinor),
                         inode: mapping.inode)
        }
    }
}
