import Glibc

/// An open ELF file whose string tables hold a `SymbolIndex`'s names, read back one name
/// at a time: a compiler's or browser's symbol names run to tens of megabytes, of which a
/// profile looks up a few thousand. The descriptor stays open, so a binary deleted or
/// replaced on disk meanwhile still gives its own names; a name that cannot be read
/// (the file truncated) comes back empty and the address stays unnamed.
final class SymbolNameFile: Sendable {
    private let descriptor: Int32

    /// Takes over `descriptor` (closed with this object).
    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// The NUL-terminated name at `offset`, read in chunks until its end.
    func name(atFileOffset offset: UInt64) -> String {
        guard var position = off_t(exactly: offset) else { return "" }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 256)
        // Mangled C++ names reach kilobytes; a table without its NUL must not read on forever.
        while bytes.count < 1 << 16 {
            let read = chunk.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, position) }
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { break }
            if let end = chunk[..<read].firstIndex(of: 0) {
                bytes += chunk[..<end]
                break
            }
            bytes += chunk[..<read]
            position += off_t(read)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
