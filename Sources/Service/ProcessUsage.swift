import FoundationEssentials
import Glibc
import Sampling

/// The CPU time and resident memory of this process, from /proc/self.
struct ProcessUsage: Sendable, Equatable {
    /// User + system time, seconds.
    var cpuSeconds: Double
    var residentBytes: UInt64

    static func current() -> ProcessUsage {
        ProcessUsage(cpuSeconds: cpuSeconds(), residentBytes: residentBytes())
    }

    private static func cpuSeconds() -> Double {
        guard let stat = ProcessStatLine.read(path: "/proc/self/stat") else { return 0 }
        return stat.cpuSeconds
    }

    private static func residentBytes() -> UInt64 {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            // "VmRSS:     12345 kB"
            let number = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            return (number.flatMap { UInt64($0) } ?? 0) * 1024
        }
        return 0
    }
}
