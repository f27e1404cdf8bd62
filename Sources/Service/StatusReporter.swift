import FoundationEssentials
import SwiftProtobuf
import Synchronization

/// Assembles GetStatus: health, sessions, eBPF availability, sampling counters
/// and the service's own CPU and memory.
final class StatusReporter: Sendable {
    let version: String
    let maxConcurrentSessions: Int
    /// [trigger_history] seconds.
    let historySeconds: Int
    private let started = ContinuousClock.now
    private let startUsage = ProcessUsage.current()
    private let shuttingDown = Atomic<Bool>(false)

    init(version: String, maxConcurrentSessions: Int, historySeconds: Int = 0) {
        self.version = version
        self.maxConcurrentSessions = maxConcurrentSessions
        self.historySeconds = historySeconds
    }

    func markShuttingDown() {
        shuttingDown.store(true, ordering: .relaxed)
    }

    func report(registry: SessionRegistry, availability: EBPFAvailability,
                triggers: TriggerWatcher? = nil) async -> Profiler_V1_GetStatusResponse {
        let verdict = await availability.verdict()
        let totals = registry.totals
        let usage = ProcessUsage.current()
        let uptime = Self.seconds(ContinuousClock.now - started)
        let stopping = shuttingDown.load(ordering: .relaxed)
        let sessions = registry.sessions()
        let rules = triggers?.status() ?? []
        return .with {
            $0.healthy = verdict.available && !stopping
            $0.activeSessions = UInt32(totals.activeSessions)
            $0.version = version
            $0.ebpfAvailable = verdict.available
            $0.ebpfUnavailableReason = verdict.reason
            $0.totalSamples = totals.samples
            $0.stackErrors = totals.stackErrors
            $0.stackSuccesses = totals.samples > totals.stackErrors ? totals.samples - totals.stackErrors : 0
            $0.cpuSeconds = usage.cpuSeconds
            $0.cpuPercent = uptime > 0 ? 100 * (usage.cpuSeconds - startUsage.cpuSeconds) / uptime : 0
            $0.memoryRssBytes = usage.residentBytes
            $0.maxConcurrentSessions = UInt32(maxConcurrentSessions)
            $0.storedResults = UInt32(totals.storedResults)
            $0.storedResultBytes = UInt64(totals.storedResultBytes)
            $0.uptimeSeconds = uptime
            $0.sessionsStarted = totals.sessionsStarted
            $0.sessions = sessions.listed.map(Profiler_V1_SessionInfo.init)
            $0.sessionsNotListed = UInt32(clamping: sessions.notListed)
            $0.triggers = rules.map(Profiler_V1_TriggerInfo.init)
            if let history = triggers?.historyStatus() {
                $0.triggerHistory = Profiler_V1_TriggerHistoryInfo(history, capacitySeconds: historySeconds)
            }
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
