import Dispatch
import Profile
import Sampling
import Synchronization

/// Builds profile models on a background queue, one at a time, so a large profile
/// never stalls the UI loop: the loop submits when a snapshot is newer than what is
/// shown and picks the result up on a later turn. `cancel()` drops a build in progress
/// (it stops at its next step), so leaving a profile never waits for one.
final class ProfileModelWorker: Sendable {
    private struct State {
        var isBuilding = false
        var result: ProfileModel?
        /// Raised by `cancel()`; a build started under an older value is abandoned.
        var generation: UInt64 = 0
    }

    /// A Mutex cannot be copied into the queue's closure; a class holding one can.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let queue = DispatchQueue(label: "flametop.profile-model")

    var isBuilding: Bool { shared.state.withLock { $0.isBuilding } }

    /// Starts a build unless one is running (the loop submits again afterwards if the
    /// snapshot it built from is already old). `stacks`: what a saved profile was read into.
    func submit(_ snapshot: SessionSnapshot, stacks: StackTable? = nil, parameters: ProfileModel.Parameters) {
        let generation: UInt64? = shared.state.withLock { current in
            guard !current.isBuilding else { return nil }
            current.isBuilding = true
            return current.generation
        }
        guard let generation else { return }
        queue.async { [shared] in
            let isCancelled = { shared.state.withLock { $0.generation != generation } }
            let model = ProfileModel.build(snapshot: snapshot, stacks: stacks, parameters: parameters,
                                           isCancelled: isCancelled)
            shared.state.withLock { current in
                if current.generation == generation { current.result = model }
                current.isBuilding = false
            }
        }
    }

    /// Abandons the build in progress and any result not taken yet.
    func cancel() {
        shared.state.withLock { current in
            current.generation += 1
            current.result = nil
        }
    }

    /// The finished model, once.
    func take() -> ProfileModel? {
        shared.state.withLock { current in
            defer { current.result = nil }
            return current.result
        }
    }
}
