import CProfilerABI
import Profile

/// Turns a process's rewind history into the low-rate seconds before a session's own:
/// every distinct raw stack goes through the session's `StackAssembler` once (the same
/// symbolization and loss markers the frame-pointer source gives), then each drain's
/// counts are seeded into the session's `TimeSlices` at the second its middle fell in,
/// relative to the session's start (so they are negative). Runs on the session's thread:
/// the symbolizer is owned by it.
enum HistorySeeder {
    /// Seeds `slices` with `seed`; `sessionStart` is the session's second 0 in
    /// `HistoryClock` seconds. Returns the samples seeded.
    @discardableResult
    static func seed(_ seed: HistorySeed, into slices: inout TimeSlices, sessionStart: Double,
                     assembler: StackAssembler) -> UInt64 {
        var stacks: [Int64: [UInt64]] = [:]
        for (id, addresses) in seed.userStacks { stacks[userKey(id)] = addresses }
        for (id, addresses) in seed.kernelStacks { stacks[kernelKey(id)] = addresses }
        var symbolic: [HistorySeed.Count: Stack] = [:]
        var bySecond: [Int64: StackCounts] = [:]
        // The assembler's counters are the session's; the history's losses show as marker frames.
        var ignored = SamplingStatistics()
        for drain in seed.drains {
            // A drain that ended as the session began belongs before it.
            let second = min(Int64((drain.time - sessionStart).rounded(.down)), -1)
            for count in drain.counts {
                let shape = HistorySeed.Count(tid: count.tid, user: count.user, kernel: count.kernel, count: 1)
                let stack: Stack
                if let known = symbolic[shape] {
                    stack = known
                } else {
                    var output = DrainOutput()
                    let drained = DrainedCount(key: key(for: count, pid: seed.pid, name: seed.threadNames[count.tid] ?? seed.comm),
                                               count: 1)
                    _ = assembler.assemble(CollectionOfOne(drained), stacks: stacks, into: &output,
                                           statistics: &ignored, observed: { _ in true })
                    stack = output.counts.counts.keys.first ?? Stack([])
                    symbolic[shape] = stack
                }
                bySecond[second, default: StackCounts()].add(stack, count: count.count)
            }
        }
        var seeded: UInt64 = 0
        for (second, counts) in bySecond.sorted(by: { $0.key < $1.key })
        where slices.seed(counts, second: second, hz: seed.hz) {
            seeded += counts.totalSamples
        }
        return seeded
    }

    /// A stack id as the assembler's key field: a stored stack, its code, or (gone at the
    /// drain) an id no stack has, which the assembler marks as lost.
    private static func field(_ reference: Int32, _ key: (Int32) -> Int64) -> Int64 {
        if reference >= 0 { return key(reference) }
        return reference == RawSample.goneAtDrain ? 1 << 40 : Int64(reference)
    }

    private static func userKey(_ id: Int32) -> Int64 { Int64(id) }
    private static func kernelKey(_ id: Int32) -> Int64 { Int64(id) + (1 << 32) }

    private static func key(for count: HistorySeed.Count, pid: Int32, name: String) -> ft_stack_key {
        var key = ft_stack_key()
        key.pid = UInt32(bitPattern: pid)
        key.tid = UInt32(bitPattern: count.tid)
        key.user_stack = field(count.user, userKey)
        key.kern_stack = field(count.kernel, kernelKey)
        withUnsafeMutableBytes(of: &key.comm) { raw in
            for (index, byte) in name.utf8.prefix(Int(FT_COMM_LEN) - 1).enumerated() { raw[index] = byte }
        }
        return key
    }
}
