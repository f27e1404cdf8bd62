import ArgumentParser
import FoundationEssentials
import PlatformSupport
import Sampling
import Service
import SwiftProtobuf

struct RemoteStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the service's health, sessions and counters (exit status 1 when it is unhealthy)."
    )

    @OptionGroup var remote: RemoteOptions

    func run() throws {
        let status = try RemoteCommand.withClient(remote) { client in try await client.status() }
        var lines = [
            "healthy: \(status.healthy ? "yes" : "no")",
            "version: \(status.version)",
            "eBPF available: \(status.ebpfAvailable ? "yes" : "no")",
        ]
        if !status.ebpfUnavailableReason.isEmpty { lines.append("eBPF unavailable because: \(status.ebpfUnavailableReason)") }
        lines += [
            "active sessions: \(status.activeSessions) of \(status.maxConcurrentSessions)",
            "sessions started: \(status.sessionsStarted)",
            "stored results: \(status.storedResults) (\(status.storedResultBytes) bytes)",
            "total samples: \(status.totalSamples)",
            "stack successes: \(status.stackSuccesses)",
            "stack errors: \(status.stackErrors)",
            String(cFormat: "CPU: %.2f s (%.1f%% of one CPU)", status.cpuSeconds, status.cpuPercent),
            "memory (RSS): \(status.memoryRssBytes / 1024) KiB",
            String(cFormat: "uptime: %.0f s", status.uptimeSeconds),
        ]
        lines += Self.sessionLines(status)
        lines += status.triggers.flatMap(Self.triggerLines)
        print(lines.joined(separator: "\n"))
        if !status.healthy { throw ExitCode(1) }
    }

    /// One line per session held, oldest first: `remote results --session ID` fetches it.
    static func sessionLines(_ status: Profiler_V1_GetStatusResponse) -> [String] {
        guard !status.sessions.isEmpty else { return ["sessions held: none"] }
        var lines = ["sessions held (oldest first):"]
        for session in status.sessions {
            let state = session.running ? "sampling" : "\(session.endReason), \(session.resultBytes) bytes"
            var line = "  \(session.sessionID)  PID \(session.pid) (\(session.command)), \(Self.modeName(session.mode)), "
                + "\(session.durationSeconds) s at \(session.frequencyHz) Hz, started \(Self.time(session.startTime.date)): \(state)"
            if session.hasTrigger {
                let cause = session.trigger
                line += "; triggered by \(cause.rule) (" + String(cFormat: "%.0f%% CPU for %.0f s", cause.cpuPercent, cause.hotSeconds) + ")"
            }
            lines.append(line)
        }
        if status.sessionsNotListed > 0 { lines.append("  (\(status.sessionsNotListed) older sessions not listed)") }
        return lines
    }

    /// A rule and its counters.
    static func triggerLines(_ rule: Profiler_V1_TriggerInfo) -> [String] {
        var lines = ["trigger \(rule.rule): \(rule.match) above " + String(cFormat: "%g", rule.cpuPercent)
            + "% CPU for \(rule.forSeconds) s (cool-down \(rule.coolDownSeconds) s, at most \(rule.maxPerHour) an hour)"]
        var counters = "  fired \(rule.fired) (\(rule.firedLastHour) in the last hour)"
        if rule.hasLastFiredTime { counters += ", last at \(Self.time(rule.lastFiredTime.date))" }
        counters += "; suppressed: \(rule.suppressedCoolDown) cooling down, \(rule.suppressedHourlyCap) at the hourly cap"
        if rule.refused > 0 { counters += "; refused \(rule.refused) (last: \(rule.lastRefusal))" }
        lines.append(counters)
        if !rule.lastSessionID.isEmpty { lines.append("  last session: \(rule.lastSessionID)") }
        return lines
    }

    /// The mode as `--mode` spells it.
    static func modeName(_ mode: Profiler_V1_ProfileMode) -> String {
        mode.settingsMode?.rawValue ?? "cpu"
    }

    static func time(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
