import ArgumentParser
import FoundationEssentials
import PlatformSupport
import Service

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
        print(lines.joined(separator: "\n"))
        if !status.healthy { throw ExitCode(1) }
    }
}
