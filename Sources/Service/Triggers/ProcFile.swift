import Glibc

/// Small /proc files read with plain system calls: the trigger watcher reads one or two
/// per process every second, and a file that vanishes (its process exited) is an
/// ordinary nil, not an error.
enum ProcFile {
    /// The file's bytes, at most `limit`; nil when it cannot be read.
    static func read(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: limit)
        var count = 0
        while count < limit {
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

    /// The numeric names in a directory (the PIDs of /proc).
    static func numericEntries(of path: String) -> [Int32] {
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
