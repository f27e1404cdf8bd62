import Profile

/// A stack source that hands out drains prepared in memory: the session engine's
/// policy, loss accounting and decisions are tested with it, without root or a
/// kernel (swift-nio's EmbeddedChannel idea). Each `drain` takes the next
/// prepared output; `statistics` are applied as a real source would set its counters.
public final class EmbeddedStackSource: StackSource {
    public struct Drain {
        var output = DrainOutput()
        var statistics: (inout SamplingStatistics) -> Void = { _ in }

        public init() {}

        /// `count` samples of `stack` from `pid`, walked with frame pointers;
        /// `complete`: whether it reached a thread entry.
        public mutating func framePointer(pid: Int32, _ stack: Stack, count: UInt64, complete: Bool) {
            output.counts.add(stack, count: count)
            var seen = output.framePointer[pid] ?? (0, 0)
            seen.stacks += count
            if !complete { seen.incomplete += count }
            output.framePointer[pid] = seen
            let previous = statistics
            statistics = { statistics in
                previous(&statistics)
                statistics.framePointerSamples += count
            }
        }

        /// `count` DWARF samples of `stack` from `pid`; `copyTooSmall`: stopped for a short copy.
        public mutating func dwarf(pid: Int32, _ stack: Stack, count: UInt64, copyTooSmall: Bool = false) {
            output.counts.add(stack, count: count)
            var seen = output.dwarf[pid] ?? (0, 0)
            seen.samples += count
            if copyTooSmall { seen.copyTooSmall += count }
            output.dwarf[pid] = seen
            let previous = statistics
            statistics = { statistics in
                previous(&statistics)
                statistics.dwarfSamples += count
                if copyTooSmall { statistics.unwindStackCopyTooSmall += count }
            }
        }
    }

    private var drains: [Drain]
    public private(set) var forgotten: [Int32] = []
    public private(set) var closed = false

    public init(_ drains: [Drain]) {
        self.drains = drains
    }

    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics,
               priority: DrainPriority) throws(SamplingError) {
        guard !drains.isEmpty else { return }
        let next = drains.removeFirst()
        output.counts.merge(next.output.counts)
        output.framePointer.merge(next.output.framePointer) { ($0.stacks + $1.stacks, $0.incomplete + $1.incomplete) }
        output.dwarf.merge(next.output.dwarf) { ($0.samples + $1.samples, $0.copyTooSmall + $1.copyTooSmall) }
        next.statistics(&statistics)
    }

    func reset() throws(SamplingError) {}

    func forget(pid: Int32) { forgotten.append(pid) }

    func close() { closed = true }
}

/// The per-process table in memory, for tests.
final class MemoryProcessUnwindTable: ProcessUnwindTable {
    private(set) var modes: [Int32: UnwindPolicy.ProcessMode] = [:]
    var capacity = Int.max

    func set(_ mode: UnwindPolicy.ProcessMode, for pid: Int32) -> Bool {
        guard modes[pid] != nil || modes.count < capacity else { return false }
        modes[pid] = mode
        return true
    }

    func remove(pid: Int32) { modes[pid] = nil }
}
