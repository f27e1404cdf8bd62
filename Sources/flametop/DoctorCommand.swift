import ArgumentParser
import Sampling

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check whether eBPF profiling can work on this host, and if not, exactly why."
    )

    func run() throws {
        let check = SystemCheck.run()
        for item in check.items {
            let mark: String
            switch item.status {
            case .ok: mark = "ok  "
            case .warning: mark = "warn"
            case .failed: mark = "FAIL"
            }
            print("[\(mark)] \(item.name): \(item.detail)")
            if !item.fix.isEmpty && item.status != .ok { print("       fix: \(item.fix)") }
        }
        if check.canProfile {
            print("verdict: eBPF profiling works here")
        } else {
            print("verdict: eBPF profiling cannot work here until the FAIL items are fixed")
            throw ExitCode(1)
        }
    }
}
