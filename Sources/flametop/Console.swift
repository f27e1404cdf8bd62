import FoundationEssentials
import Glibc

/// Where the executable reports: stderr for diagnostics and summaries, so stdout
/// stays clean for data. Write failures (a closed terminal) are ignored.
enum Console {
    static func error(_ text: String) {
        let bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        var written = 0
        while written < bytes.count {
            let result = bytes[written...].withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
            if result > 0 { written += result } else if result < 0 && errno == EINTR { continue } else { return }
        }
    }
}
