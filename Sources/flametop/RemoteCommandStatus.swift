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
        if status.hasTriggerHistory { lines.append(Self.historyLine(status.triggerHistory)) }
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

    /// "trigger history 19 Hz: running, 58 s of 60 held (3 processes, 1102 samples), 0.1 MiB of 16 MiB
    /// + 0.8 MiB kernel, CPU 0.04% drain + 0.11% BPF", or why it is not running.
    static func historyLine(_ history: Profiler_V1_TriggerHistoryInfo) -> String {
        var line = "trigger history \(history.frequencyHz) Hz: \(history.state)"
        if !history.failure.isEmpty { return line + " (\(history.failure)): triggered profiles start at the firing" }
        line += String(cFormat: ", %.0f s of %u held", history.heldSeconds, history.capacitySeconds)
            + " (\(history.processes) \(history.processes == 1 ? "process" : "processes"), \(history.samples) samples)"
            + String(cFormat: ", %.1f MiB of %.0f MiB + %.1f MiB kernel", Double(history.ringBytes) / 1_048_576,
                     Double(history.byteBudget) / 1_048_576, Double(history.kernelMapBytes) / 1_048_576)
            + String(cFormat: ", CPU %.2f%% drain", history.drainCpuPercent)
            + (history.programCpuMeasured ? String(cFormat: " + %.2f%% BPF", history.programCpuPercent)
                : " + BPF unmeasured (sysctl kernel.bpf_stats_enabled=1)")
        if history.lostSamples > 0 { line += "; \(history.lostSamples) samples or stacks lost to full maps" }
        return line
    }

    /// The mode as `--mode` spells it.
    static func modeName(_ mode: Profiler_V1_ProfileMode) -> String {
        mode.settingsMode?.rawValue ?? "cpu"
    }

    static func time(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
