import Glibc

/// Why reading symbols failed: what was being read, the errno where one applies, and
/// (in `hint`) what the user can do about it.
public enum SymbolizationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `open(2)` failed.
    case cannotOpen(path: String, errno: Int32)
    /// `read(2)`, `pread(2)` or `fstat(2)` failed, or returned less than the file promised.
    case cannotRead(path: String, errno: Int32)
    /// A line of a /proc text file did not have the kernel's format.
    case malformedLine(path: String, line: Int, text: String)
    /// Every address in kallsyms read as zero: `kernel.kptr_restrict` (and `perf_event_paranoid`) hide them.
    case kernelAddressesHidden(path: String)
    /// The file is not an ELF object (or libelf could not make sense of it).
    case notELF(path: String, reason: String)
    /// A libelf call failed part-way through an ELF file.
    case elf(path: String, operation: String, message: String)
    /// A fallback path named a different file than the one mapped (same path, other inode):
    /// the binary was replaced on disk after the process mapped it.
    case fileReplaced(path: String, mappedInode: UInt64, foundInode: UInt64)

    public var description: String {
        switch self {
        case let .cannotOpen(path, errno):
            return "cannot open \(path): \(Self.errnoText(errno))"
        case let .cannotRead(path, errno):
            return "cannot read \(path): \(Self.errnoText(errno))"
        case let .malformedLine(path, line, text):
            return "\(path):\(line): unexpected format: \(text)"
        case let .kernelAddressesHidden(path):
            return "\(path) shows every kernel address as zero"
        case let .notELF(path, reason):
            return "\(path) is not a readable ELF file: \(reason)"
        case let .elf(path, operation, message):
            return "\(operation) failed on \(path): \(message)"
        case let .fileReplaced(path, mappedInode, foundInode):
            return "\(path) is inode \(foundInode), but the process mapped inode \(mappedInode)"
        }
    }

    /// What the user can do about it.
    public var hint: String {
        switch self {
        case let .cannotOpen(_, code), let .cannotRead(_, code):
            switch code {
            case EACCES, EPERM:
                return "run as root: /proc/PID/map_files, /proc/PID/mem and other users' binaries need privileges"
            case ENOENT, ESRCH:
                return "the process or file is gone; symbols resolve only while it lives or once cached"
            default:
                return "check that the file exists and is readable"
            }
        case .malformedLine:
            return "this kernel's /proc format is not understood; please report the line"
        case .kernelAddressesHidden:
            // kernel/kallsyms.c kallsyms_show_value(): CAP_SYSLOG, or kptr_restrict 0 with perf_event_paranoid <= 1.
            return "run as root, or allow kernel addresses with `sysctl kernel.kptr_restrict=0 kernel.perf_event_paranoid=1`"
        case .notELF, .elf:
            return "the mapped file may be truncated or not an ELF binary"
        case .fileReplaced:
            return "run as root so the original is read through /proc/PID/map_files"
        }
    }

    static func errnoText(_ code: Int32) -> String {
        "\(String(cString: strerror(code))) (errno \(code))"
    }
}
