import FoundationEssentials
import Glibc
import PlatformSupport

/// The CPUs perf events can be opened on, from /sys/devices/system/cpu/online
/// (a list like `0-3,6`); falls back to sysconf when sysfs is not mounted.
enum OnlineCPUs {
    static func list() -> [Int32] {
        if let text = try? String(contentsOfFile: "/sys/devices/system/cpu/online", encoding: .utf8),
           let cpus = parse(text), !cpus.isEmpty {
            return cpus
        }
        return (0..<Int32(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))).map { $0 }
    }

    /// Parses the kernel's CPU list format; nil when malformed.
    static func parse(_ text: String) -> [Int32]? {
        var cpus: [Int32] = []
        for part in text.trimmed().split(separator: ",") {
            let bounds = part.split(separator: "-")
            guard let low = Int32(bounds[0]) else { return nil }
            let high = bounds.count > 1 ? Int32(bounds[1]) : low
            guard let high, high >= low else { return nil }
            cpus.append(contentsOf: low...high)
        }
        return cpus
    }
}
