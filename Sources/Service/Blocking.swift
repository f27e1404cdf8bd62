import Dispatch
import FoundationEssentials
import Synchronization

/// Runs async work from a synchronous command (flametop's commands are
/// synchronous `ParsableCommand`s) and blocks the calling thread until it is
/// done. The work runs on Swift's global executor, never on the blocked thread.
public enum Blocking {
    public static func run<Value: Sendable>(_ work: @escaping @Sendable () async throws -> Value) throws -> Value {
        let outcome = Outcome<Value>()
        let done = DispatchSemaphore(value: 0)
        Task {
            let result: Result<Value, any Error>
            do {
                result = .success(try await work())
            } catch {
                result = .failure(error)
            }
            outcome.value.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.value.withLock { $0! }.get()
    }

    private final class Outcome<Value: Sendable>: Sendable {
        let value = Mutex<Result<Value, any Error>?>(nil)
    }
}
