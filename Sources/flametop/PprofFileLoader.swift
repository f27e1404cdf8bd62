import FoundationEssentials
import Glibc
import Gzip
import PlatformSupport
import Pprof
import Profile

/// Reads pprof files for `view`, `view --baseline` and `diff`: flametop's own and any
/// other tool's (Go's runtime/pprof and net/http/pprof, Parca's downloads), gzipped or not.
enum PprofFileLoader {
    /// Whether `path` holds pprof rather than folded text: named like pprof, or gzipped
    /// (folded files are text; a gzipped one would be unreadable anyway).
    static func isPprof(_ path: String) -> Bool {
        if ProfileFormat.implied(byPath: path) == .pprof { return true }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        guard let status = FileStatus(descriptor: fd), status.isRegularFile else { return false }
        var head: [UInt8] = [0, 0]
        let got = head.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 2) }
        return got == 2 && Gzip.isCompressed(head)
    }

    /// The stacks of the pprof file at `path`; `processRoots` puts the `comm` label above
    /// each stack (otherwise only when the samples come from several processes).
    static func read(_ path: String, processRoots: Bool) throws(CommandFailure) -> PprofReader.Contents {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
            throw CommandFailure("\(path) \(reason)")
        }
        let bytes: [UInt8]
        do {
            bytes = try Gzip.decompressIfNeeded(Array(data))
        } catch {
            throw CommandFailure("\(path): \(error.description)")
        }
        do {
            return try PprofReader(processRoots: processRoots ? .always : .automatic).read(bytes)
        } catch {
            throw CommandFailure("\(path): \(error.description)")
        }
    }
}
