import Foundation

/// CPU time a process has used, from /proc/PID/stat (utime + stime).
public enum ProcessCPU {
    public static func seconds(of pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After comm: field 14 (utime) and 15 (stime) are at indexes 11 and 12 here.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Waits until `pid` has used `seconds` more CPU than `baseline`.
    public static func waitForCPU(of pid: Int32, moreThan baseline: Double, by seconds: Double,
                                  timeout: Double) -> Bool {
        Wait.until(timeout: timeout) { (ProcessCPU.seconds(of: pid) ?? 0) >= baseline + seconds }
    }
}
