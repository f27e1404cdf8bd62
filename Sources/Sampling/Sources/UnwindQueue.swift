import CLibbpf
import CProfilerABI
import Profile
import Synchronization

/// DWARF records between the ring buffer's consumer and the unwinder, so the
/// ring is emptied at the pace of a copy, not of an unwind: the first unwind of
/// a large binary parses its CFI (hundreds of milliseconds for a 200 MB
/// executable), and a busy host gives the unwinder little CPU. Bounded in
/// bytes; past the bound a record keeps its header (pid, tid, registers,
/// kernel stack) without the stack copy, so the sample stays in the profile,
/// named by its leaf, and only past a second, smaller bound is it dropped.
/// Both are counted. What it holds is charged to the budget's unwinder share
/// while it waits, so a spike also holds back new processes' CFI.
final class UnwindQueue: @unchecked Sendable {
    struct Record {
        var bytes: [UInt8]
        /// The stack copy was left out: the queue was full.
        var stackLeftOut: Bool
    }

    /// Records with their stack copies, and headers alone beyond that.
    let capacityBytes: Int
    let headerCapacityBytes: Int
    private let budget: MemoryBudget?
    private let state = Mutex(State())

    private struct State {
        var records: [Record] = []
        var bytes = 0
        var headerBytes = 0
        var stacksLeftOut: UInt64 = 0
        var dropped: UInt64 = 0
    }

    static let defaultCapacityBytes = 16 << 20

    init(capacityBytes: Int = UnwindQueue.defaultCapacityBytes, budget: MemoryBudget?) {
        self.capacityBytes = capacityBytes
        headerCapacityBytes = capacityBytes / 4
        self.budget = budget
    }

    /// Samples kept without their stack copy, and samples dropped, since the start.
    var stacksLeftOut: UInt64 { state.withLock { $0.stacksLeftOut } }
    var dropped: UInt64 { state.withLock { $0.dropped } }

    /// Copies one record in. Ring consumer's thread.
    func push(_ record: UnsafeRawBufferPointer) {
        let headerSize = MemoryLayout<ft_unwind_sample_header>.size
        guard record.count >= headerSize else { return }
        let charged = state.withLock { state -> Int in
            if state.bytes + record.count <= capacityBytes {
                state.records.append(Record(bytes: Array(record), stackLeftOut: false))
                state.bytes += record.count
                return record.count
            }
            if state.headerBytes + headerSize <= headerCapacityBytes {
                state.records.append(Record(bytes: Array(record.prefix(headerSize)), stackLeftOut: true))
                state.headerBytes += headerSize
                state.stacksLeftOut += 1
                return headerSize
            }
            state.dropped += 1
            return 0
        }
        if charged > 0 { budget?.charge(charged, for: .unwinder) }
    }

    /// Everything queued, oldest first; the queue is empty after. Unwinder's thread.
    func takeAll() -> [Record] {
        let (records, bytes) = state.withLock { state -> ([Record], Int) in
            let taken = (state.records, state.bytes + state.headerBytes)
            state.records = []
            state.bytes = 0
            state.headerBytes = 0
            return taken
        }
        if bytes > 0 { budget?.release(bytes, for: .unwinder) }
        return records
    }

    /// Forgets what is queued and the counts (a reset of the session).
    func reset() {
        _ = takeAll()
        state.withLock { state in
            state.stacksLeftOut = 0
            state.dropped = 0
        }
    }
}

/// libbpf's ring buffer callback: `context` is the queue.
let unwindQueueRecordHandler: ring_buffer_sample_fn = { context, data, size in
    guard let context, let data else { return 0 }
    Unmanaged<UnwindQueue>.fromOpaque(context).takeUnretainedValue()
        .push(UnsafeRawBufferPointer(start: data, count: size))
    return 0
}
