import CProfilerABI
import Foundation
import Profile
@testable import Sampling
import Testing

/// The rewind history's ring without the kernel: bounded by seconds and by bytes, what
/// leaves is counted, identical stacks are stored once, a process's part can be taken out.
@Suite struct RawHistoryRingTests {
    static func sample(pid: Int32, tid: Int32? = nil, comm: String = "app", user: [UInt64], kernel: RawSample.Stack = .missing(code: FT_STACK_NOT_CAPTURED),
                       count: UInt64 = 1) -> RawSample {
        RawSample(pid: pid, tid: tid ?? pid, comm: comm, user: .addresses(user), kernel: kernel, count: count)
    }

    @Test func theRingKeepsItsSecondsAndCountsWhatLeaves() {
        var ring = RawHistoryRing(hz: 19, capacitySeconds: 3)
        for second in 0..<6 {
            ring.record([Self.sample(pid: 10, user: [0x1000, 0x2000], count: UInt64(second + 1))], at: Double(second) + 0.5)
        }
        // Seconds 3, 4, 5 remain (4 + 5 + 6 samples); 0–2 (1 + 2 + 3) left.
        #expect(ring.samples == 15)
        #expect(ring.evictedSamples == 6)
        #expect(ring.samples(of: 10) == 15)
        #expect(ring.heldSpan == 2)
        // One stack, however many seconds use it.
        #expect(ring.uniqueStacks == 1)
        // A drain with nothing in it still moves time on: everything leaves.
        ring.record([], at: 100)
        #expect(ring.samples == 0)
        #expect(ring.evictedSamples == 21)
        #expect(ring.processCount == 0)
        #expect(ring.uniqueStacks == 0, "stacks no held drain uses are freed")
    }

    @Test func identicalStacksAreStoredOncePerProcessAndKernelStacksOnce() {
        var ring = RawHistoryRing(hz: 19)
        let kernel = RawSample.Stack.addresses((0..<20).map { 0xffff_ffff_8100_0000 + $0 * 64 })
        let deep = (0..<40).map { UInt64(0x40_0000 + $0 * 16) }
        ring.record([Self.sample(pid: 1, user: deep, kernel: kernel),
                     Self.sample(pid: 1, tid: 2, user: deep, kernel: kernel),
                     Self.sample(pid: 3, user: deep, kernel: kernel)], at: 0.5)
        ring.record([Self.sample(pid: 1, user: deep, kernel: kernel)], at: 1.5)
        // The same addresses in two processes are two stacks (each its own address space);
        // the kernel stack is one.
        #expect(ring.uniqueStacks == 3)
        let afterTwo = ring.estimatedBytes
        for second in 2..<600 { ring.record([Self.sample(pid: 1, user: deep, kernel: kernel)], at: Double(second) + 0.5) }
        #expect(ring.uniqueStacks == 3)
        // A drain of one count costs its count (and its slot), not another copy of the
        // 60 addresses (480 bytes).
        let perDrain = (ring.estimatedBytes - afterTwo) / 598
        #expect(perDrain < 200, "\(perDrain) bytes per one-count drain")
    }

    @Test func theByteBudgetEvictsTheOldestDrainsAndSaysSo() {
        var ring = RawHistoryRing(hz: 19, capacitySeconds: 600, byteBudget: 64 << 10)
        var second = 0.0
        // Ever-new 20-frame stacks: each drain adds ~4 KB of them.
        for drain in 0..<200 {
            let samples = (0..<20).map { index in
                Self.sample(pid: 7, user: (0..<20).map { UInt64(drain * 1000 + index * 20 + $0) })
            }
            ring.record(samples, at: second)
            second += 1
            #expect(ring.estimatedBytes <= 64 << 10, "over budget after drain \(drain): \(ring.estimatedBytes)")
        }
        #expect(ring.drainsEvictedForBytes > 150)
        #expect(ring.evictedSamples + ring.samples == 4000)
        #expect(ring.samples > 0, "the newest drains stay")
        #expect(ring.uniqueStacks == Int(ring.samples), "evicted drains' stacks are freed")
    }

    @Test func takingAProcessLeavesTheOthersAndEmptiesItsPart() throws {
        var ring = RawHistoryRing(hz: 19)
        let kernel = RawSample.Stack.addresses([0xffff_ffff_8100_0000])
        ring.record([Self.sample(pid: 1, comm: "worker", user: [0x10, 0x20], count: 3),
                     Self.sample(pid: 2, comm: "other", user: [0x30], count: 5)], at: 10.4)
        ring.record([Self.sample(pid: 1, tid: 4, comm: "pool-1", user: [0x11, 0x20], kernel: kernel, count: 2),
                     Self.sample(pid: 1, comm: "app", user: [0x10, 0x20], count: 1)], at: 11.4)
        let bytesBefore = ring.estimatedBytes

        let taken = ring.takeSeed(pid: 1)
        let seed = try #require(taken)
        #expect(seed.pid == 1 && seed.hz == 19)
        #expect(seed.comm == "app", "the main thread's newest name")
        #expect(seed.samples == 6)
        #expect(seed.times == 10.4...11.4)
        #expect(seed.threadNames == [1: "app", 4: "pool-1"])
        #expect(seed.drains.map { $0.counts.map(\.count) } == [[3], [2, 1]])
        let first = try #require(seed.drains.first?.counts.first)
        #expect(seed.userStacks[first.user] == [0x10, 0x20])
        #expect(first.kernel == FT_STACK_NOT_CAPTURED)
        let pooled = seed.drains[1].counts[0]
        #expect(seed.userStacks[pooled.user] == [0x11, 0x20])
        #expect(seed.kernelStacks[pooled.kernel] == [0xffff_ffff_8100_0000])

        #expect(ring.samples == 5)
        #expect(ring.samples(of: 1) == 0)
        #expect(ring.takenSamples == 6)
        #expect(ring.processCount == 1)
        #expect(ring.estimatedBytes < bytesBefore)
        let again = ring.takeSeed(pid: 1), unknown = ring.takeSeed(pid: 99)
        #expect(again == nil, "taken once")
        #expect(unknown == nil)
    }
}

extension RawHistoryRingTests {
    /// The service's triggers keep only the processes their rules could match.
    @Test func onlyAdmittedProcessesAreRecorded() throws {
        var ring = RawHistoryRing(hz: 19)
        ring.admitted = [1]
        ring.record([Self.sample(pid: 1, user: [0x10], count: 3), Self.sample(pid: 2, user: [0x20], count: 5)], at: 0.5)
        #expect(ring.samples == 3 && ring.processCount == 1 && ring.samples(of: 2) == 0)
        ring.admitted = nil
        ring.record([Self.sample(pid: 2, user: [0x20], count: 5)], at: 1.5)
        #expect(ring.samples == 8 && ring.processCount == 2)
        // Left out later, a process keeps what it has until that ages out.
        ring.admitted = []
        ring.record([Self.sample(pid: 1, user: [0x10], count: 4)], at: 2.5)
        #expect(ring.samples == 8)
        let taken = ring.takeSeed(pid: 1)
        #expect(taken?.samples == 3)
    }
}
