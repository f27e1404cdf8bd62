import CElfutils
import Synchronization

/// The `.eh_frame` and `.debug_frame` bytes of a file, from its section
/// headers alone: what the DWARF unwinder's budget charges for a module's CFI.
/// Cached by path (processes share libraries); bounded.
enum FrameSectionBytes {
    private static let cache = Mutex<[String: Int]>([:])
    private static let cacheLimit = 4096

    static func of(path: String) -> Int {
        if let known = cache.withLock({ $0[path] }) { return known }
        let bytes = read(path)
        cache.withLock { cache in
            if cache.count >= cacheLimit { cache.removeAll() }
            cache[path] = bytes
        }
        return bytes
    }

    private static func read(_ path: String) -> Int {
        ElfSections.sum(path: path) { name, header, _ in
            name == ".eh_frame" || name == ".debug_frame" ? Int(header.sh_size) : 0
        }
    }
}
