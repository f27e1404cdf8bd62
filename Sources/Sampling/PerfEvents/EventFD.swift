import CLibbpf
import FoundationEssentials
import Glibc

/// A counter descriptor used to wake a thread blocked in poll from another thread.
final class EventFD: @unchecked Sendable {
    let fd: Int32

    init() throws(SamplingError) {
        fd = eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK))
        guard fd >= 0 else { throw .system("eventfd", errno: errno) }
    }

    deinit { close(fd) }

    func signal() {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    func drain() {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }
}
