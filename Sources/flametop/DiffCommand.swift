import ArgumentParser
import FoundationEssentials
import Profile

/// `flametop diff BASE NEW`: which functions' shares changed between two folded profiles,
/// with the changes that pass the significance test marked as findings.
struct DiffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two folded profiles: each function's share now vs the baseline.",
        discussion: """
            Shares of each profile are compared, so profiles of different lengths compare. A \
            change in a function's self share is a finding only when a two-proportion z-test \
            rejects "no change" at --alpha after a Bonferroni correction over the functions \
            compared, and it is at least --min-points percentage points; every other change is \
            noise. New and vanished functions are marked.

            --folded writes `stack count1 count2` lines (FlameGraph's difffolded.pl format) \
            instead: `flametop diff --folded a.folded b.folded | flamegraph.pl > diff.svg`.
            """
    )

    @Argument(help: ArgumentHelp("The baseline profile (folded or pprof).", valueName: "base.folded"))
    var baseline: String

    @Argument(help: ArgumentHelp("The profile to compare with it (folded or pprof).", valueName: "new.folded"))
    var current: String

    @Flag(name: .long, help: "Write the stacks with both counts (difffolded.pl's format) to stdout.")
    var folded = false

    @Option(name: .long, help: "Rows of the table: every finding, then the largest other changes up to this many.")
    var top = 20

    @Option(name: .long, help: "Family-wise significance level over all functions compared.")
    var alpha = 0.001

    @Option(name: .customLong("min-points"), help: "Smallest change in self share, in points, that counts.")
    var minimumPoints = 1.0

    @Flag(name: .long, help: "The first frame of each stack is a process name (files of `record --all`).")
    var processRoots = false

    func validate() throws {
        guard top >= 1 else { throw ValidationError("--top must be at least 1") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be between 0 and 1 (exclusive)") }
        guard minimumPoints >= 0, minimumPoints <= 100 else {
            throw ValidationError("--min-points must be between 0 and 100")
        }
    }

    func run() throws {
        let before = try FoldedProfileFile.read(baseline, processRoots: processRoots)
        let after = try FoldedProfileFile.read(current, processRoots: processRoots)
        if folded {
            let text = DiffFoldedWriter().write(StackDiff(baseline: before, current: after))
            print(text, terminator: "")
            return
        }
        let diff = ProfileDiff(baseline: before, current: after,
                               rule: .init(alpha: alpha, minimumPoints: minimumPoints))
        let table = DiffTable(diff: diff, baselineName: FoldedProfileFile.name(of: baseline),
                              currentName: FoldedProfileFile.name(of: current), rows: top)
        print(table.text, terminator: "")
    }
}
