import FoundationEssentials
import Glibc

/// The CPU time and resident memory of this process, from /proc/self.
struct ProcessUsage: Sendable, Equatable {
    /// User + system time, seconds.
    var cpuSeconds: Double
    var residentBytes: UInt64

    static func current() -> ProcessUsage {
        ProcessUsage(cpuSeconds: cpuSeconds(), residentBytes: residentBytes())
    }

    private static func cpuSeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return 0 }
        // After "pid (comm)": state is field 3, utime and stime are fields 14 and 15 (proc(5)).
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
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
