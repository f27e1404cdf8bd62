#if canImport(Glibc)
import Glibc
#endif

/// Starts a detached POSIX thread of its own for work that blocks for long (a drain loop, a ring
/// consumer, a slow file load): such work must not hold one of Dispatch's pool threads. Foundation's
/// `Thread` does the same, but importing it links Foundation's internationalisation tables
/// (34 MB of ICU data) into the binary.
public enum DedicatedThread {
    /// Runs `body` on a new thread named `name` (the kernel keeps 15 bytes of it, shown by `top -H`).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let work = Unmanaged.passRetained(Work(name: name, body: body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, threadEntry, work)
        // Without a thread the caller's work would never run: that is not a state to go on from.
        precondition(status == 0, "pthread_create failed with errno \(status)")
        pthread_detach(thread)
    }
}

private final class Work: Sendable {
    let name: String
    let body: @Sendable () -> Void

    init(name: String, body: @escaping @Sendable () -> Void) {
        self.name = name
        self.body = body
    }

    /// Glibc's `pthread_setname_np` is not visible to Swift (it needs `_GNU_SOURCE`), and `prctl` is
    /// variadic; the kernel takes the same name written to the thread's own `comm` file.
    func nameCurrentThread() {
        let fd = open("/proc/thread-self/comm", O_WRONLY)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let bytes = Array(name.utf8.prefix(15))
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    }
}

private func threadEntry(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    let work = Unmanaged<Work>.fromOpaque(raw!).takeRetainedValue()
    work.nameCurrentThread()
    work.body()
    return nil
}
