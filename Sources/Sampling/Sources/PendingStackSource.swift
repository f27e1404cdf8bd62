import Dispatch
import FoundationEssentials
import PlatformSupport

/// A stack source loaded on a thread of its own: under `auto`, the DWARF
/// program loads (and is verified) while sampling has already begun, so the
/// first process that needs it does not wait for the verifier.
final class PendingStackSource: @unchecked Sendable {
    private var result: Result<StackSource, SamplingError>?
    private var taken = false
    private let done = DispatchSemaphore(value: 0)

    /// `load` runs on the new thread; what it touches must be safe to use from there.
    init(load: @escaping () throws(SamplingError) -> StackSource) {
        let box = LoadBox(load)
        DedicatedThread.start(name: "flametop-load") { [self] in
            let loaded = Result { () throws(SamplingError) in try box.load() }
            result = loaded
            done.signal()
        }
    }

    /// The source (waiting for the load); hands it over once.
    func take() throws(SamplingError) -> StackSource {
        done.wait()
        done.signal()
        taken = true
        return try result!.get()
    }

    /// The session ends: a source nobody took is closed.
    func discard() {
        done.wait()
        done.signal()
        if !taken, case .success(let source)? = result { source.close() }
    }

    private final class LoadBox: @unchecked Sendable {
        let load: () throws(SamplingError) -> StackSource
        init(_ load: @escaping () throws(SamplingError) -> StackSource) { self.load = load }
    }
}
