import Foundation
import Profile
import TestSupport
import Testing

/// `flametop record --unwind dwarf` against workloads built without frame
/// pointers: complete stacks through frameless code (libc's qsort included),
/// truncation counted by reason, threads.
@Suite(.serialized)
struct UnwindSystemTests {
    /// No frame pointers anywhere; no tail calls, so the truth keeps every caller.
    static let noFramePointerFlags = ["-O2", "-g", "-fomit-frame-pointer", "-fno-optimize-sibling-calls",
                                      "-fno-inline", "-falign-functions=64", "-pthread"]

    static func buildGroundTruth(in directory: TemporaryDirectory) throws -> String {
        try Workloads.build("ground_truth", in: directory, output: "gt-nofp", flags: noFramePointerFlags + ["-no-pie"])
    }

    static func buildShapes(in directory: TemporaryDirectory) throws -> String {
        try Workloads.build("unwind_shapes", in: directory, output: "shapes-nofp", flags: noFramePointerFlags)
    }

    /// The ground-truth tree and split, recovered without a single frame pointer.
    @Test(.needsRoot) func groundTruthWithoutFramePointers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildGroundTruth(in: directory))
        defer { workload.terminate() }

        // 8 s, not the 4 s of the frame-pointer test: the check wants 1600 samples
        // and a shared 2-core machine gives the target half a core.
        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "8", "--frequency", "999",
                                           "--unwind", "dwarf"], in: directory)
        try GroundTruthCheck.assertMatchesTruth(recording, libraryPrefix: "")
        // Complete means down to libc's start code, above main.
        let total = recording.counts.totalSamples
        let throughStart = recording.counts.counts.filter { stack, _ in
            stack.frames.first { $0.function != "main" && $0.kind == .user }?.function.contains("libc_start") == true
                || stack.frames.contains { $0.function == "_start" }
        }.values.reduce(0, +)
        #expect(Double(throughStart) >= 0.95 * Double(total),
                "\(throughStart) of \(total) stacks reach libc's start code\n\(recording.result.stderr)")
    }

    /// The comparator is called from libc's qsort (no frame pointers, no symbols of
    /// our own between): its callers sort_forever and main must be found beyond it.
    @Test(.needsRoot) func qsortComparatorKeepsItsCallers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildShapes(in: directory), arguments: ["qsort"])
        defer { workload.terminate() }

        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "3", "--frequency", "499",
                                           "--unwind", "dwarf"], in: directory)
        let inComparator = recording.counts.counts.filter { stack, _ in
            stack.frames.contains { $0.function == "compare_slow" }
        }
        let samples = inComparator.values.reduce(0, +)
        #expect(samples > 200, "the comparator burns most of ~1500 samples on an idle core; got \(samples)\n\(recording.result.stderr)")
        let complete = inComparator.filter { stack, _ in
            guard let fromMain = Recording.framesFromMain(stack),
                  let sort = fromMain.firstIndex(of: "sort_forever"),
                  let compare = fromMain.firstIndex(of: "compare_slow") else { return false }
            // main → sort_forever → (libc's qsort internals) → compare_slow
            return sort == 1 && compare > sort + 1
        }.values.reduce(0, +)
        #expect(Double(complete) >= 0.95 * Double(samples),
                "\(complete) of \(samples) comparator samples cross qsort to main\n\(Self.top(recording))")
    }

    /// Frame pointers lose the same stacks: the reason DWARF mode exists.
    @Test(.needsRoot) func framePointersLoseTheQsortCallers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildShapes(in: directory), arguments: ["qsort"])
        defer { workload.terminate() }

        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "2", "--frequency", "499",
                                           "--unwind", "fp"], in: directory)
        let total = recording.counts.totalSamples
        let reachMain = recording.samples(containing: "sort_forever")
        #expect(Double(reachMain) < 0.5 * Double(total), "fp found sort_forever in \(reachMain) of \(total)")
    }

    /// Recursion deeper than the stack copy: the leafward frames are kept, exact,
    /// under a marker, and the stop is counted by reason; nothing invented.
    @Test(.needsRoot) func deepRecursionTruncatesGracefully() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildShapes(in: directory), arguments: ["deep", "200"])
        defer { workload.terminate() }

        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "2", "--frequency", "499",
                                           "--unwind", "dwarf", "--stack-copy", "8192"], in: directory)
        let total = recording.counts.totalSamples
        #expect(total > 150, "~1000 samples on an idle core; got \(total)")
        let marker = "[unwind stopped: stack copy too small]"
        var truncated: UInt64 = 0
        for (stack, count) in recording.counts.counts {
            let names = stack.frames.filter { $0.kind == .user }.map(\.function)
            guard names.first == marker else { continue }
            truncated += count
            // Below the marker: only descend frames, then the leaf (and burn), then
            // kernel frames of samples taken in an interrupt.
            let body = names.dropFirst().filter { $0 != "deep_leaf" && !$0.hasPrefix("burn") }
            #expect(body.allSatisfy { $0 == "descend" }, "unexpected frames: \(names.suffix(6))")
            // 8 KB of 512-byte frames: about 15 of them.
            #expect((8...20).contains(body.count), "\(body.count) descend frames in 8 KB")
        }
        #expect(Double(truncated) >= 0.95 * Double(total), "\(truncated) of \(total) truncated\n\(Self.top(recording))")
        #expect(recording.result.stderr.contains("stack copy too small"), "the stop is reported:\n\(recording.result.stderr)")
    }

    /// Each thread's stack is unwound with its own registers and stack copy.
    @Test(.needsRoot) func threadsAreUnwoundSeparately() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildShapes(in: directory), arguments: ["threads"])
        defer { workload.terminate() }

        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "3", "--frequency", "499",
                                           "--unwind", "dwarf"], in: directory)
        for (worker, leaf) in [("worker_a", "leaf_a"), ("worker_b", "leaf_b")] {
            let withLeaf = recording.counts.counts.filter { $0.key.frames.contains { $0.function == leaf } }
            let samples = withLeaf.values.reduce(0, +)
            #expect(samples > 150, "\(leaf): \(samples) samples\n\(recording.result.stderr)")
            // worker → leaf, with libc's thread start (start_thread, clone3) above.
            let exact = withLeaf.filter { stack, _ in
                let names = stack.frames.map(\.function)
                guard let index = names.firstIndex(of: worker) else { return false }
                return names[index + 1] == leaf && names[..<index].contains { $0.contains("start_thread") }
            }.values.reduce(0, +)
            #expect(Double(exact) >= 0.95 * Double(samples), "\(leaf): \(exact) of \(samples) exact\n\(Self.top(recording))")
        }
    }

    /// The default, `auto`, finds that frame pointers fail here and switches to
    /// DWARF: the profile is the complete one.
    @Test(.needsRoot) func autoSwitchesToDwarfWithoutFramePointers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try Self.buildGroundTruth(in: directory))
        defer { workload.terminate() }

        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "8", "--frequency", "999"],
                                          in: directory)
        let stderr = recording.result.stderr
        #expect(stderr.contains("unwind auto"), "the start line names the mode:\n\(stderr)")
        #expect(stderr.contains("unwind: auto: DWARF (only 0% of the first"), "no frame-pointer stack reached main:\n\(stderr)")
        try GroundTruthCheck.assertMatchesTruth(recording, libraryPrefix: "")
    }

    /// Where frame pointers work, `auto` keeps them (and DWARF mode's cost away).
    @Test(.needsRoot) func autoKeepsFramePointersWhereTheyWork() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
        defer { workload.terminate() }

        let recording = try Recording.run(["--pid", "\(workload.pid)", "--duration", "2", "--frequency", "499"],
                                          in: directory)
        let stderr = recording.result.stderr
        #expect(stderr.contains("unwind: auto: frame pointers ("), "\(stderr)")
        #expect(!stderr.contains("DWARF"), "\(stderr)")
        #expect(recording.counts.counts.keys.contains { Recording.framesFromMain($0) == ["main", "run", "alpha"] })
    }

    static func top(_ recording: Recording) -> String {
        recording.counts.counts.sorted { $0.value > $1.value }.prefix(8)
            .map { "\($0.value) \($0.key.frames.map(\.function).joined(separator: ";"))" }
            .joined(separator: "\n")
    }
}
