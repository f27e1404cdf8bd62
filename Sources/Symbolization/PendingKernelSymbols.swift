import Dispatch
import FoundationEssentials
import PlatformSupport
import Synchronization

/// /proc/kallsyms read and parsed on a thread of its own, started when a session
/// starts, so the first drain that meets a kernel frame does not pay for it
/// (the parse of ~200k symbols is the slowest step of a first drain).
final class PendingKernelSymbols: Sendable {
    private let result = Mutex<Result<KernelSymbols, SymbolizationError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    init(path: String) {
        DedicatedThread.start(name: "flametop-kallsyms") { [self] in
            let loaded = Result { () throws(SymbolizationError) in try KernelSymbols.load(path: path) }
            result.withLock { $0 = loaded }
            done.signal()
        }
    }

    /// Whether the load has finished (`wait` would not block).
    var isFinished: Bool { result.withLock { $0 != nil } }

    /// The symbols, waiting for the load to finish.
    func wait() -> Result<KernelSymbols, SymbolizationError> {
        if let finished = result.withLock({ $0 }) { return finished }
        done.wait()
        done.signal()
        return result.withLock { $0! }
    }
}
