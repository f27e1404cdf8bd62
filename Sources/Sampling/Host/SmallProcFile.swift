import Glibc

/// Reads the small text files of /proc with plain system calls: the process table and the
/// service's trigger watcher read hundreds of them every second, and a file that vanishes
/// (its process exited) is an ordinary nil, not an error.
public enum SmallProcFile {
    /// The file's bytes, at most `limit` of them; nil when it cannot be read.
    public static func read(_ path: String, limit: Int = 64 * 1024) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: min(limit, 4096))
        var count = 0
        while count < limit {
            if count == bytes.count { bytes += [UInt8](repeating: 0, count: min(bytes.count, limit - count)) }
            let result = bytes.withUnsafeMutableBufferPointer { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
            }
            if result < 0 {
                if errno == EINTR { continue }
                // ESRCH: the process exited between open and read.
                return nil
            }
            if result == 0 { break }
            count += result
        }
        return Array(bytes[0..<count])
    }

    public static func readText(_ path: String, limit: Int = 64 * 1024) -> String? {
        read(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The numeric names in a directory (the PIDs of /proc).
    public static func numericEntries(of path: String) -> [Int32] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var numbers: [Int32] = []
        while let entry = readdir(directory) {
            let number = withUnsafePointer(to: &entry.pointee.d_name) { pointer in
                pointer.withMemoryRebound(to: CChar.self, capacity: 256) { Int32(String(cString: $0)) }
            }
            if let number { numbers.append(number) }
        }
        return numbers
    }
}
