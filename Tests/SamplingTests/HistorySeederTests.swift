import CProfilerABI
import Foundation
import Profile
@testable import Sampling
import Testing

/// A process's rewind history turned into the low-rate seconds before a session's own,
/// through the frame-pointer source's stack assembly (no kernel, addresses as names).
@Suite struct HistorySeederTests {
    @Test func drainsBecomeLowRateSecondsBeforeTheSession() throws {
        var ring = RawHistoryRing(hz: 19)
        let kernel = RawSample.Stack.addresses([0xffff_0010])
        ring.record([RawHistoryRingTests.sample(pid: 5, user: [0x1001, 0x2001], count: 4)], at: 100.3)
        ring.record([RawHistoryRingTests.sample(pid: 5, tid: 6, comm: "helper", user: [0x1001, 0x2001], kernel: kernel, count: 2),
                     RawSample(pid: 5, tid: 5, comm: "app", user: .missing(code: RawSample.goneAtDrain),
                               kernel: .missing(code: FT_STACK_NOT_CAPTURED), count: 1)], at: 101.6)
        let taken = ring.takeSeed(pid: 5)
        let seed = try #require(taken)
        var slices = TimeSlices(capacity: 600)
        let assembler = StackAssembler(symbolizer: AddressNamingSymbolizer(), rootByProcess: false, keepsThreads: true)

        // The session began at 102.0: the drains fall in its seconds -2 and -1.
        let seeded = HistorySeeder.seed(seed, into: &slices, sessionStart: 102.0, assembler: assembler)
        #expect(seeded == 7)
        #expect(slices.lowRate?.hz == 19)
        #expect(slices.lowRate?.newestSecond == -1)
        #expect(slices.samplesPerSecond(in: .seconds(-2...(-1))) == [4, 3])

        let early = slices.profile(of: .seconds(-2...(-2)))
        let stack = try #require(early.counts.keys.first)
        // Root first; every frame but the leaf is looked up at its return address − 1.
        #expect(stack.frames.map(\.function) == ["0x2000", "0x1001"])
        // (Time slices keep frames, not threads: a window's stacks merge their threads.)
        let late = slices.profile(of: .seconds(-1...(-1)))
        let helper = try #require(late.counts.keys.first { $0.frames.count == 3 })
        #expect(helper.frames.last?.function == "0xffff0010" && helper.frames.last?.kind == .kernel)
        #expect(late.counts.keys.contains { $0.frames.map(\.function) == ["[lost user stack: gone at drain]"] },
                "a stack gone at the drain is a marked loss, as in a session")
        // The session's own seconds follow.
        let recorded = slices.record(StackCounts([(Stack([Frame(function: "now")]), UInt64(9))]), second: 0)
        #expect(recorded)
        #expect(slices.windowCounts(of: .all, hz: 99).unit == .microseconds)
    }

    @Test func aDrainEndingAsTheSessionBeganStaysBeforeIt() throws {
        var ring = RawHistoryRing(hz: 19)
        ring.record([RawHistoryRingTests.sample(pid: 5, user: [0x10])], at: 50.2)
        let taken = ring.takeSeed(pid: 5)
        let seed = try #require(taken)
        var slices = TimeSlices()
        HistorySeeder.seed(seed, into: &slices, sessionStart: 50.0,
                           assembler: StackAssembler(symbolizer: AddressNamingSymbolizer(), rootByProcess: false))
        #expect(slices.lowRate?.newestSecond == -1)
    }
}
