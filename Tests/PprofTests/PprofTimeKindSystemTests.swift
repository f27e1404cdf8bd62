import Foundation
import Profile
import TestSupport
import Testing

/// `record --mode off|wall` written as pprof, read by `go tool pprof`: the sample type
/// says what the values are, and they are the folded file's microseconds in nanoseconds.
@Suite(.serialized)
struct PprofTimeKindSystemTests {
    @Test(.needsRoot, arguments: [("off", "off_cpu"), ("wall", "wall")])
    func goToolPprofReadsTimeProfiles(mode: String, type: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory))
        defer { workload.terminate() }
        let folded = directory.file("x.folded"), pprof = directory.file("x.pb.gz")
        try Command.check([try FlametopBinary.path, "record", "--mode", mode, "--pid", "\(workload.pid)", "--duration", "3",
                           "-o", folded, "-o", pprof], timeout: 60)
        let counts = try FoldedReader().read(try String(contentsOfFile: folded, encoding: .utf8))
        #expect(counts.totalSamples > 1_000_000, "3 s of two threads' time in µs: \(counts.totalSamples)")

        let raw = try GoPprof.pprof(["-raw", pprof], in: directory)
        #expect(raw.contains("PeriodType: \(type) nanoseconds"), "\(raw.prefix(400))")
        #expect(raw.contains("Samples:\n\(type)/nanoseconds\n"), "one sample type, in nanoseconds:\n\(raw.prefix(400))")

        let top = try GoPprof.pprof(["-top", "-nodecount=1000", "-nodefraction=0", pprof], in: directory)
        #expect(top.contains("Type: \(type)"), "\(top)")
        var leafShares: [String: Double] = [:]
        for (stack, count) in counts.counts {
            leafShares[stack.leaf?.function ?? "", default: 0] += 100 * Double(count) / Double(counts.totalSamples)
        }
        let flat = Dictionary(GoPprof.topRows(top).map { ($0.name, $0.flatPercent) }, uniquingKeysWith: +)
        for (function, share) in leafShares where share >= 0.05 {
            #expect(abs((flat[function] ?? 0) - share) <= 0.1, "\(function): pprof \(flat[function] ?? 0)% vs folded \(share)%\n\(top)")
        }
        // The total, in the units -top prints it: the folded file's µs.
        let totalLine = top.split(separator: "\n").first { $0.contains("Total samples =") } ?? ""
        Swift.print("\(mode): \(totalLine.trimmingCharacters(in: .whitespaces)); folded: \(counts.totalSamples) µs")
    }
}
