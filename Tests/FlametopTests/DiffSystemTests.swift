import Foundation
import Profile
import TestSupport
import Testing

/// `flametop diff` and `view --baseline` on real recordings: the same workload twice shows
/// no finding; two builds whose leaf shares differ by design show exactly those leaves.
@Suite(.serialized)
struct DiffSystemTests {
    /// Records `executable` (started fresh) for `seconds` at 999 Hz.
    func record(_ executable: String, seconds: Int, in directory: TemporaryDirectory) throws -> Recording {
        let workload = try Workloads.start(executable)
        defer { workload.terminate() }
        return try Recording.run(["--pid", "\(workload.pid)", "--duration", "\(seconds)", "--frequency", "999"],
                                 in: directory)
    }

    func diff(_ arguments: [String]) throws -> CommandResult {
        let result = try Command.run([try FlametopBinary.path, "diff"] + arguments, timeout: 60)
        guard result.status == 0, !result.timedOut else {
            throw TestFailure("flametop diff \(arguments.joined(separator: " ")) exited \(result.status)\n\(result.stderr)")
        }
        return result
    }

    /// The functions the table lists as findings ("2 findings: alpha -20.1, beta +19.9").
    static func findings(in table: String) -> [String: Double] {
        guard let line = table.split(separator: "\n").last(where: { $0.contains("finding") && !$0.contains("  ") }),
              let colon = line.firstIndex(of: ":") else { return [:] }
        var result: [String: Double] = [:]
        for item in line[line.index(after: colon)...].split(separator: ",") {
            let parts = item.split(separator: " ")
            if parts.count == 2, let points = Double(parts[1]) { result[String(parts[0])] = points }
        }
        return result
    }

    /// Two profiles of one workload differ by chance only: no finding (the rule's
    /// family-wise false-positive rate is α = 0.001).
    @Test(.needsRoot) func twoRecordingsOfTheSameWorkloadShowNoFinding() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let executable = try SharesWorkload.build(in: directory, alpha: 5, beta: 3, omega: 2)
        let first = try record(executable, seconds: 3, in: directory)
        let second = try record(executable, seconds: 3, in: directory)
        let result = try diff([first.outputPath, second.outputPath])
        #expect(result.stdout.contains("no finding: every change is noise"), "\(result.stdout)")
        #expect(Self.findings(in: result.stdout).isEmpty)
        print("diff, same workload twice (\(first.counts.totalSamples) vs \(second.counts.totalSamples) samples):\n\(result.stdout)")
    }

    /// 50/30/20 against 30/50/20: alpha −20 and beta +20 points are findings, each within
    /// ±3 points of the design, and nothing else is. The ±3 points must hold at 4σ: the
    /// σ of a difference of shares 0.5 and 0.3 over n samples each is √(0.46/n), so
    /// n ≥ 8200: 999 Hz for 18 s gives 18 000 on an idle core and still enough when other
    /// work takes half of it (the check demands n so a busier machine cannot weaken it).
    @Test(.needsRoot) func twoBuildsWithDifferentSharesFlagExactlyTheChangedLeaves() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let before = try record(try SharesWorkload.build(in: directory, alpha: 5, beta: 3, omega: 2),
                                seconds: 18, in: directory)
        let after = try record(try SharesWorkload.build(in: directory, alpha: 3, beta: 5, omega: 2),
                               seconds: 18, in: directory)
        for recording in [before, after] {
            #expect(recording.counts.totalSamples >= 8200,
                    "\(recording.counts.totalSamples) samples: too few for ±3 points at 4σ (machine busy?)")
        }
        let result = try diff([before.outputPath, after.outputPath])
        let findings = Self.findings(in: result.stdout)
        #expect(Set(findings.keys) == ["alpha", "beta"], "\(result.stdout)")
        #expect(abs((findings["alpha"] ?? 0) + 20) <= 3, "\(result.stdout)")
        #expect(abs((findings["beta"] ?? 0) - 20) <= 3, "\(result.stdout)")
        print("diff, 50/30/20 vs 30/50/20 (\(before.counts.totalSamples) vs \(after.counts.totalSamples) samples):\n\(result.stdout)")

        // The same pair as difffolded.pl's format: every stack with both counts.
        let folded = try diff(["--folded", before.outputPath, after.outputPath])
        let lines = folded.stdout.split(separator: "\n")
        #expect(!lines.isEmpty)
        var baseline: UInt64 = 0, current: UInt64 = 0
        for line in lines {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, let old = UInt64(fields[fields.count - 2]), let new = UInt64(fields[fields.count - 1])
            else {
                Issue.record("not `stack count1 count2`: \(line)")
                continue
            }
            baseline += old
            current += new
        }
        #expect(baseline == before.counts.totalSamples)
        #expect(current == after.counts.totalSamples)
        // Every stack ending in alpha (the hot path, and any variant a sample took) with both
        // counts: together they are each recording's alpha samples.
        var alphaBefore: UInt64 = 0, alphaAfter: UInt64 = 0
        for line in lines {
            let fields = line.split(separator: " ")
            guard fields.count >= 3, fields[fields.count - 3].hasSuffix(";alpha") || fields[fields.count - 3] == "alpha" else { continue }
            alphaBefore += UInt64(fields[fields.count - 2]) ?? 0
            alphaAfter += UInt64(fields[fields.count - 1]) ?? 0
        }
        #expect(alphaBefore == before.samples(withLeaf: "alpha") && alphaBefore > 0)
        #expect(alphaAfter == after.samples(withLeaf: "alpha") && alphaAfter > 0)
    }

    /// `view --baseline` opens the diff view in a real terminal.
    @Test func viewWithABaselineShowsTheDiff() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let base = try directory.write("base.folded", """
            main;run;alpha 500
            main;run;dispatch;beta 300
            main;run;dispatch;deep;omega 200
            """)
        let new = try directory.write("new.folded", """
            main;run;alpha 300
            main;run;dispatch;beta 500
            main;run;dispatch;deep;omega 200
            """)
        let tmux = try TmuxSession([try FlametopBinary.path, "view", "--baseline", base, new], width: 100, height: 30,
                                   environment: ["LANG": "C.UTF-8", "XDG_STATE_HOME": state.path])
        defer { tmux.close() }
        // The first frame can show "building the profile…": wait for the built diff.
        let screen = try tmux.waitFor("2 findings", timeout: 20)
        #expect(screen.contains("Diff tree: new.folded vs base.folded"), "\(screen)")
        #expect(screen.contains("+   +20.0   50.0%   30.0%"), "\(screen)")
        #expect(screen.contains("-   -20.0   30.0%   50.0%"), "\(screen)")
        // b flips to the plain profile and back.
        try tmux.sendKeys("b")
        let plain = try tmux.waitFor("Top functions")
        #expect(!plain.contains("Diff tree"))
        try tmux.sendKeys("b")
        _ = try tmux.waitFor("Diff tree")
        try tmux.sendKeys("q")
        #expect(try tmux.waitForExit() == 0)
    }
}
