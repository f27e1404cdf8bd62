import CProfilerABI
import Profile
@testable import Sampling
import Testing

struct UnwindQueueTests {
    let header = MemoryLayout<ft_unwind_sample_header>.size

    private func record(stackBytes: Int) -> [UInt8] {
        [UInt8](repeating: 0xAB, count: header + stackBytes)
    }

    @Test func keepsWholeRecordsThenHeadersThenDrops() {
        let stack = 8192
        // Room for two whole records; a quarter of that for headers.
        let queue = UnwindQueue(capacityBytes: 2 * (header + stack), budget: nil)
        let headersThatFit = queue.headerCapacityBytes / header
        let total = 2 + headersThatFit + 3
        for _ in 0..<total { record(stackBytes: stack).withUnsafeBytes { queue.push($0) } }

        let taken = queue.takeAll()
        #expect(taken.count == 2 + headersThatFit)
        #expect(taken.prefix(2).allSatisfy { !$0.stackLeftOut && $0.bytes.count == header + stack })
        #expect(taken.dropFirst(2).allSatisfy { $0.stackLeftOut && $0.bytes.count == header })
        #expect(queue.stacksLeftOut == UInt64(headersThatFit))
        #expect(queue.dropped == 3)
        // Taking empties it: whole records fit again.
        record(stackBytes: stack).withUnsafeBytes { queue.push($0) }
        #expect(queue.takeAll().map(\.stackLeftOut) == [false])
    }

    @Test func chargesTheBudgetWhileRecordsWait() {
        let budget = MemoryBudget(limitBytes: 64 << 20)
        let queue = UnwindQueue(capacityBytes: 1 << 20, budget: budget)
        for _ in 0..<3 { record(stackBytes: 1000).withUnsafeBytes { queue.push($0) } }
        #expect(budget.usage(.unwinder).bytes == 3 * (header + 1000))
        _ = queue.takeAll()
        #expect(budget.usage(.unwinder).bytes == 0)
    }

    @Test func ignoresRecordsShorterThanAHeader() {
        let queue = UnwindQueue(budget: nil)
        [UInt8](repeating: 0, count: header - 1).withUnsafeBytes { queue.push($0) }
        #expect(queue.takeAll().isEmpty)
        #expect(queue.dropped == 0)
    }
}
