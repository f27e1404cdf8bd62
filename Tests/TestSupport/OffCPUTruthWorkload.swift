import Foundation

/// Tests/Workloads/offcpu_truth.c: threads that block in known places, and the
/// workload's own measure of each phase's wall-clock and CPU time.
public enum OffCPUTruthWorkload {
    /// The worker's phases, then the waker's (the names of their functions).
    public static let workerPhases = ["phase_burn", "phase_sleep", "phase_pipe"]
    public static let wakerPhases = ["waker_wait", "waker_sleep"]
    public static var phases: [String] { workerPhases + wakerPhases }

    /// -mno-omit-leaf-frame-pointer: the phase functions are leaves (their syscalls are
    /// inline `syscall` instructions) and must keep their frames for the walk.
    public static let flags = ["-O1", "-g", "-fno-omit-frame-pointer", "-mno-omit-leaf-frame-pointer",
                               "-fno-inline", "-pthread"]

    public static func build(in directory: TemporaryDirectory) throws -> String {
        try Workloads.build("offcpu_truth", in: directory, output: "offcpu-truth", flags: flags)
    }

    /// Cumulative nanoseconds per phase, from one `truth` line.
    public struct Totals: Equatable {
        public var wall: [String: Double] = [:]
        public var cpu: [String: Double] = [:]

        public init() {}

        /// `truth phase_burn=WALL/CPU …`; nil for any other line.
        public init?(line: String) {
            let fields = line.split(separator: " ")
            guard fields.first == "truth" else { return nil }
            for field in fields.dropFirst() {
                let parts = field.split(separator: "=")
                guard parts.count == 2 else { return nil }
                let times = parts[1].split(separator: "/").compactMap { Double($0) }
                guard times.count == 2 else { return nil }
                wall[String(parts[0])] = times[0]
                cpu[String(parts[0])] = times[1]
            }
        }

        /// What happened between `earlier` and this.
        public func since(_ earlier: Totals) -> Totals {
            var window = Totals()
            for (phase, value) in wall { window.wall[phase] = value - (earlier.wall[phase] ?? 0) }
            for (phase, value) in cpu { window.cpu[phase] = value - (earlier.cpu[phase] ?? 0) }
            return window
        }

        /// Time off the CPU in each phase: wall-clock minus the thread's CPU time.
        public var offCPU: [String: Double] {
            wall.reduce(into: [:]) { result, entry in result[entry.key] = max(0, entry.value - (cpu[entry.key] ?? 0)) }
        }
    }

    /// The `truth` lines the workload printed so far, in order.
    public static func totals(in stdout: String) -> [Totals] {
        stdout.split(separator: "\n").compactMap { Totals(line: String($0)) }
    }

    /// Each key's share of the values' sum.
    public static func shares(_ values: [String: Double]) -> [String: Double] {
        let total = values.values.reduce(0, +)
        guard total > 0 else { return [:] }
        return values.mapValues { $0 / total }
    }
}
