import CLibbpf
import FoundationEssentials
import PlatformSupport
import Synchronization

/// Keeps libbpf's recent diagnostic lines (verifier output, feature probes) so an
/// error can quote them, instead of libbpf printing to our stderr unasked.
enum LibbpfLog {
    private static let lines = Mutex<[String]>([])
    private static let installed = Mutex(false)
    static let kept = 40

    static func install() {
        let first = installed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        ft_libbpf_set_line_sink { level, line in
            guard let line, level <= Int32(LIBBPF_INFO.rawValue) else { return }
            LibbpfLog.append(String(cString: line).trimmed(where: \.isNewline))
        }
    }

    private static func append(_ text: String) {
        guard !text.isEmpty else { return }
        lines.withLock { buffer in
            buffer.append(text)
            if buffer.count > kept { buffer.removeFirst(buffer.count - kept) }
        }
    }

    /// The last lines libbpf reported, for error messages.
    static func recent(_ count: Int = 8) -> [String] {
        lines.withLock { Array($0.suffix(count)) }
    }

    static func clear() {
        lines.withLock { $0.removeAll() }
    }
}
