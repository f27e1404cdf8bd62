import Foundation
import Profile
import Sampling
import Testing
@testable import TerminalUI

@Suite struct ThreadViewTests {
    static let main = ThreadLabel(pid: 10, tid: 10, name: "app")
    static let worker = ThreadLabel(pid: 10, tid: 11, name: "io_thd")

    static func snapshot() -> SessionSnapshot {
        let pairs: [(Stack, UInt64)] = [
            (Stack([Frame(function: "main"), Frame(function: "compute")], thread: main), 30),
            (Stack([Frame(function: "start_thread"), Frame(function: "read_loop")], thread: worker), 70),
        ]
        return SessionSnapshot(settings: SessionSettings(target: .process(pid: 10)), counts: StackCounts(pairs),
                               statistics: SamplingStatistics(), state: .running,
                               startedAt: Date(timeIntervalSince1970: 0), elapsed: 5, targetName: "app", generation: 1)
    }

    func roots(_ screen: ProfileScreen) -> [String] {
        guard let tree = screen.model?.base else { return [] }
        return tree.children(of: tree.root).compactMap { tree.identity(of: $0)?.function }
    }

    @Test func tCyclesMergedGroupedThenEachThreadAlone() {
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: 100, height: 30)
        screen.update(Self.snapshot())
        #expect(Set(roots(screen)) == ["main", "start_thread"], "merged: no thread roots")

        _ = screen.handle(.character("T"))
        screen.update(Self.snapshot())
        #expect(roots(screen) == ["io_thd (tid 11)", "app (tid 10)"], "grouped: one root per thread, busiest first")
        #expect(screen.model?.stats.functions.contains { $0.identity.kind == .thread } == false)

        _ = screen.handle(.character("T"))
        screen.update(Self.snapshot())
        #expect(Set(roots(screen)) == ["start_thread"], "only io_thd's stacks")
        #expect(screen.model?.stats.profileSamples == 70, "the table holds that thread only")
        #expect(screen.shownCounts(of: Self.snapshot()).totalSamples == 70, "an export writes what is shown")

        _ = screen.handle(.character("T"))
        screen.update(Self.snapshot())
        #expect(Set(roots(screen)) == ["main"], "only app's stacks")
        _ = screen.handle(.character("T"))
        screen.update(Self.snapshot())
        #expect(Set(roots(screen)) == ["main", "start_thread"])
    }

    @Test func aProfileWithoutThreadRootsSaysSo() throws {
        var screen = ProfileScreen(isLive: true)
        screen.resize(width: 100, height: 30)
        var snapshot = Self.snapshot()
        snapshot.counts = snapshot.counts.mergingThreads()
        screen.update(snapshot)
        _ = screen.handle(.character("T"))
        #expect(screen.message?.isError == true)
    }
}
