import CCurses
import Glibc

/// The write end of the self-pipe, read by the signal handler. Set before the handler
/// is installed, so the handler never runs the global's lazy initialisation.
nonisolated(unsafe) private var signalPipeWriteDescriptor: Int32 = -1

/// Async-signal-safe: one write(2) of the signal number, errno preserved.
private let signalPipeHandler: @convention(c) (Int32) -> Void = { signal in
    let savedErrno = errno
    var byte = UInt8(truncatingIfNeeded: signal)
    _ = write(signalPipeWriteDescriptor, &byte, 1)
    errno = savedErrno
}

/// Turns SIGINT, SIGTERM and SIGHUP into bytes on a pipe that the main loop polls
/// together with the keyboard, so the work a signal asks for (restore the terminal,
/// save the profile, exit) happens in the normal flow and never inside the handler.
final class SignalPipe {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    let readDescriptor: Int32
    private let writeDescriptor: Int32
    private var previous: [Int32: sigaction] = [:]
    private var isOpen = true

    init() throws(TerminalError) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw TerminalError(operation: "pipe2 for signal delivery", errno: errno,
                                hint: "the process may be out of file descriptors")
        }
        readDescriptor = descriptors[0]
        writeDescriptor = descriptors[1]
        for descriptor in descriptors {
            _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        signalPipeWriteDescriptor = writeDescriptor
        for signal in Self.signals {
            var old = sigaction()
            if flametop_set_signal_handler(signal, signalPipeHandler, SA_RESTART, &old) == 0 {
                previous[signal] = old
            }
        }
    }

    deinit { close() }

    /// The signals delivered since the last call, in arrival order.
    func drain() -> [Int32] {
        var received: [Int32] = []
        var buffer = [UInt8](repeating: 0, count: 64)
        while true {
            let count = read(readDescriptor, &buffer, buffer.count)
            if count > 0 {
                received += buffer[0..<count].map { Int32($0) }
                continue
            }
            if count < 0 && errno == EINTR { continue }
            return received
        }
    }

    /// Puts back the handlers that were there before and closes the pipe. Idempotent.
    func close() {
        guard isOpen else { return }
        isOpen = false
        for (signal, old) in previous {
            var old = old
            _ = flametop_restore_signal_handler(signal, &old)
        }
        signalPipeWriteDescriptor = -1
        _ = Glibc.close(readDescriptor)
        _ = Glibc.close(writeDescriptor)
    }
}
