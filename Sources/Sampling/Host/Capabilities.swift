import FoundationEssentials
import Glibc
import PlatformSupport

/// The effective capabilities of this process, from /proc/self/status `CapEff`.
public struct Capabilities: Sendable {
    public let effective: UInt64

    // include/uapi/linux/capability.h
    public static let sysAdmin = 21
    public static let sysPtrace = 19
    public static let perfmon = 38
    public static let bpf = 39

    public init(effective: UInt64) {
        self.effective = effective
    }

    public static func current() -> Capabilities {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
              let value = UInt64(line.dropFirst("CapEff:".count).trimmed(), radix: 16)
        else { return Capabilities(effective: 0) }
        return Capabilities(effective: value)
    }

    public func has(_ capability: Int) -> Bool { effective & (1 << UInt64(capability)) != 0 }

    /// Loading a perf_event BPF program and opening perf events for other processes
    /// needs CAP_BPF + CAP_PERFMON (Linux 5.8+) or, before them, CAP_SYS_ADMIN.
    public var canProfile: Bool { has(Self.sysAdmin) || (has(Self.bpf) && has(Self.perfmon)) }

    /// The names of the capabilities profiling needs that this process lacks.
    public var missingForProfiling: [String] {
        if canProfile { return [] }
        var missing: [String] = []
        if !has(Self.bpf) { missing.append("CAP_BPF") }
        if !has(Self.perfmon) { missing.append("CAP_PERFMON") }
        return missing
    }

    /// Throws the error a user should see when profiling cannot work for lack of privileges.
    public func requireProfiling() throws(SamplingError) {
        guard canProfile else {
            throw SamplingError(.insufficientPrivileges,
                                operation: "check privileges: missing \(missingForProfiling.joined(separator: " and ")) (and not CAP_SYS_ADMIN)",
                                errno: EPERM, hint: SamplingError.privilegeHint)
        }
    }
}
