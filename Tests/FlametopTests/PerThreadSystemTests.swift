import Foundation
import Profile
import TestSupport
import Testing

/// A process whose two threads run different functions: `record --per-thread`
/// roots each stack at its thread, and the TUI's T separates them.
@Suite(.serialized)
struct PerThreadSystemTests {
    static func start(in directory: TemporaryDirectory) throws -> (process: RunningProcess, worker: Int32) {
        let process = try Workloads.start(try Workloads.build("two_threads", in: directory, flags: ["-O1", "-g", "-fno-omit-frame-pointer", "-pthread"]))
        let worker = process.stdout.split(separator: "\n").first { $0.hasPrefix("worker ") }
            .flatMap { Int32($0.dropFirst("worker ".count)) }
        guard let worker else {
            process.terminate()
            throw TestFailure("two_threads did not print its worker's TID: \(process.stdout)")
        }
        return (process, worker)
    }

    @Test(.needsRoot) func perThreadRecordingsRootEachStackAtItsThread() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (workload, worker) = try Self.start(in: directory)
        defer { workload.terminate() }
        let recording = try Recording.run(["--pid", "\(workload.pid)", "-F", "499", "-d", "3", "--per-thread"], in: directory)
        let mainRoot = "two_threads (tid \(workload.pid))"
        let workerRoot = "worker_thd (tid \(worker))"
        var leavesByRoot: [String: Set<String>] = [:]
        for (stack, _) in recording.counts.counts {
            guard let root = stack.frames.first?.function, let leaf = stack.leaf?.function else { continue }
            if leaf == "main_work" || leaf == "worker_work" { leavesByRoot[root, default: []].insert(leaf) }
        }
        #expect(leavesByRoot[mainRoot] == ["main_work"], "\(leavesByRoot)")
        #expect(leavesByRoot[workerRoot] == ["worker_work"], "\(leavesByRoot)")
        // Without the flag the threads merge: no thread roots.
        let merged = try Recording.run(["--pid", "\(workload.pid)", "-F", "199", "-d", "1"], in: directory)
        #expect(!merged.counts.counts.keys.contains { $0.frames.first?.function.contains("(tid ") == true })
    }

    @Test(.needsRoot) func tGroupsTheTreeByThreadInTheTUI() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let state = try TemporaryDirectory()
        defer { state.remove() }
        let (workload, worker) = try Self.start(in: directory)
        defer { workload.terminate() }
        let tmux = try TerminalUISystemTests().flametop(["--pid", "\(workload.pid)", "-F", "499"], in: directory,
                                                         state: state, width: 120, height: 40)
        defer { tmux.close() }
        try tmux.waitUntil("both threads' functions", timeout: 30) {
            TerminalUISystemTests.selfPercent(of: "main_work", in: $0) != nil
                && TerminalUISystemTests.selfPercent(of: "worker_work", in: $0) != nil
        }
        try tmux.sendKeys("T")
        try tmux.waitUntil("the tree grouped by thread", timeout: 10) {
            $0.contains("by thread") && $0.contains("worker_thd (tid \(worker))") && $0.contains("two_threads (tid \(workload.pid))")
        }
        // Then one thread alone: the busier first; its table holds its own function only.
        try tmux.sendKeys("T")
        let alone = try tmux.waitUntil("one thread alone", timeout: 10) { screen in
            screen.contains("  thread ") && [TerminalUISystemTests.selfPercent(of: "main_work", in: screen),
                                              TerminalUISystemTests.selfPercent(of: "worker_work", in: screen)]
                .compactMap { $0 }.count == 1
        }
        let showsMain = alone.contains("thread two_threads (tid")
        let own = showsMain ? "main_work" : "worker_work"
        let other = showsMain ? "worker_work" : "main_work"
        #expect(TerminalUISystemTests.selfPercent(of: own, in: alone) != nil, "\(alone)")
        #expect(TerminalUISystemTests.selfPercent(of: other, in: alone) == nil, "\(alone)")
        try tmux.sendKeys("q")
    }
}
