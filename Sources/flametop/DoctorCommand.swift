import ArgumentParser
import Sampling

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check whether eBPF profiling can work on this host, and if not, exactly why."
    )

    func run() throws {
        let check = SystemCheck.run()
        var advice = DoctorAdvice()
        let kptrRestrict = Sysctl.kptrRestrict(), paranoid = Sysctl.perfEventParanoid()
        for item in check.items {
            let mark: String
            switch item.status {
            case .ok: mark = "ok  "
            case .warning: mark = "warn"
            case .failed: mark = "FAIL"
            }
            print("[\(mark)] \(item.name): \(DoctorAdvice.detail(of: item))")
            if let fix = advice.fix(for: item, kptrRestrict: kptrRestrict, perfEventParanoid: paranoid) {
                print("       fix: \(fix)")
            }
        }
        if check.canProfile {
            print("verdict: eBPF profiling works here")
        } else {
            print("verdict: eBPF profiling cannot work here until the FAIL items are fixed")
            throw ExitCode(1)
        }
    }
}
