import FoundationEssentials
import PlatformSupport
import Sampling
import Synchronization

/// Whether eBPF profiling can work on this host, from the doctor's checks
/// (`SystemCheck.run()`). The checks load and attach the real sampler, so the
/// verdict is cached and refreshed at most once per `maxAge`, on a thread of
/// its own.
final class EBPFAvailability: Sendable {
    struct Verdict: Sendable, Equatable {
        var available: Bool
        /// What failed and the fix, one line per failed check; empty when available.
        var reason: String
    }

    private let maxAge: Duration
    private let state = Mutex(State())

    private struct State {
        var verdict: Verdict?
        var checkedAt: ContinuousClock.Instant?
        var checking = false
        var waiters: [CheckedContinuation<Verdict, Never>] = []
    }

    init(maxAge: Duration = .seconds(60)) {
        self.maxAge = maxAge
    }

    /// The cached verdict; the first call waits for the checks, later calls get the
    /// cached one at once and start a refresh when it is older than `maxAge`.
    func verdict() async -> Verdict {
        await withCheckedContinuation { continuation in
            let (cached, startCheck) = state.withLock { state -> (Verdict?, Bool) in
                let stale = state.checkedAt.map { ContinuousClock.now - $0 > maxAge } ?? true
                let start = stale && !state.checking
                if start { state.checking = true }
                if state.verdict == nil { state.waiters.append(continuation) }
                return (state.verdict, start)
            }
            if startCheck { check() }
            if let cached { continuation.resume(returning: cached) }
        }
    }

    /// Starts the checks now (the server does at start, so the first status is quick).
    func prime() {
        let start = state.withLock { state in
            defer { state.checking = true }
            return !state.checking
        }
        if start { check() }
    }

    private func check() {
        DedicatedThread.start(name: "flametop-doctor") { [self] in
            let verdict = Self.verdict(of: SystemCheck.run())
            let waiters = state.withLock { state in
                state.verdict = verdict
                state.checkedAt = .now
                state.checking = false
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume(returning: verdict) }
        }
    }

    static func verdict(of check: SystemCheck) -> Verdict {
        let failed = check.items.filter { $0.status == .failed }
        let reason = failed.map { item in
            item.fix.isEmpty ? "\(item.name): \(item.detail)" : "\(item.name): \(item.detail) (fix: \(item.fix))"
        }.joined(separator: "; ")
        return Verdict(available: check.canProfile, reason: reason)
    }
}
