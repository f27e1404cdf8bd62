import Foundation
import Profile
import TestSupport
import Testing

/// A target with 65,536 distinct call paths under a 16 MB budget: the profile's unique
/// stacks stop growing at the budget's stacks share, every sample is still in the file
/// (cut stacks under `[stack budget exceeded]` below their outermost frames), and the
/// summary says how many.
@Suite(.serialized)
struct StackBudgetSystemTests {
    @Test(.needsRoot) func manyDistinctStacksStayWithinTheBudget() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Workloads.build("many_stacks", in: directory))
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "-F", "999", "-d", "5", "--memory-limit", "16"],
                                          in: directory)
        let stderr = recording.result.stderr
        // 16 MB: the stacks share is 20%, about 1.2 KB a stack, 10% more for cut ones.
        let maxStacks = (16 << 20) / 100 * 20 / 1200
        #expect(recording.counts.uniqueStacks <= maxStacks + maxStacks / 10 + 1, "\(recording.counts.uniqueStacks) stacks")
        let marker = StackBudget.marker.function
        let cut = recording.samples(containing: marker)
        #expect(cut > 0, "\(stderr)")
        #expect(stderr.contains("stack budget exceeded: samples kept under their outermost frames (raise --memory-limit): \(cut)"),
                "the summary counts the cut samples (\(cut)):\n\(stderr)")
        // Every sample the summary counts is in the file, and the cut ones keep main.
        #expect(stderr.contains(": \(recording.counts.totalSamples) samples, \(recording.counts.uniqueStacks) unique stacks"), "\(stderr)")
        let cutStacks = recording.counts.counts.keys.filter { $0.leaf?.function == marker && $0.frames.count > 1 }
        #expect(cutStacks.contains { $0.frames.contains { $0.function == "main" } })
    }
}
