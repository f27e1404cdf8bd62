import FoundationEssentials
import Glibc
import PlatformSupport

/// Turns SIGINT, SIGTERM and SIGHUP into a call in the normal flow: the signals
/// are blocked in every thread and one thread takes them with sigwait, so no
/// work happens inside a signal handler. SIGPIPE is ignored, so a closed
/// terminal (a dropped SSH connection) makes writes fail instead of killing us.
enum SignalWatcher {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Blocks the signals in the calling thread; call before creating any thread.
    static func blockSignals() {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Starts a thread that calls `onSignal` with each signal that arrives.
    static func watch(_ onSignal: @escaping @Sendable (Int32) -> Void) {
        DedicatedThread.start(name: "flametop-signals") {
            var set = sigset_t()
            sigemptyset(&set)
            for signal in handled { sigaddset(&set, signal) }
            while true {
                var received: Int32 = 0
                if sigwait(&set, &received) == 0 { onSignal(received) }
            }
        }
    }

    static func name(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }
}
