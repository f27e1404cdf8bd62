import Dispatch
import Sampling
import Synchronization

/// Builds profile models on a background queue, one at a time, so a large profile
/// never stalls the UI loop: the loop submits when a snapshot is newer than what is
/// shown and picks the result up on a later turn.
final class ProfileModelWorker: Sendable {
    private struct State {
        var isBuilding = false
        var result: ProfileModel?
    }

    /// A Mutex cannot be copied into the queue's closure; a class holding one can.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared = Shared()
    private let queue = DispatchQueue(label: "flametop.profile-model")

    var isBuilding: Bool { shared.state.withLock { $0.isBuilding } }

    /// Starts a build unless one is running (the loop submits again afterwards if the
    /// snapshot it built from is already old).
    func submit(_ snapshot: SessionSnapshot, parameters: ProfileModel.Parameters) {
        let started = shared.state.withLock { current in
            guard !current.isBuilding else { return false }
            current.isBuilding = true
            return true
        }
        guard started else { return }
        queue.async { [shared] in
            let model = ProfileModel(snapshot: snapshot, parameters: parameters)
            shared.state.withLock { current in
                current.result = model
                current.isBuilding = false
            }
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
