import CLibbpf
import CProfilerABI
import FoundationEssentials
import Profile
import Symbolization
import Synchronization

/// DWARF mode's unwinder. On `RingConsumer`'s unwinding thread each queued
/// record is unwound and identical (thread, user pcs, kernel pcs, stop) are
/// counted; on the session's thread `drain` takes those counts and symbolizes
/// them. The unwinder never waits on symbolization, only on the short lock that
/// hands the counts over.
///
/// A stack whose unwind stopped early keeps the frames found, under a marker
/// frame naming the reason, and is counted by reason in the statistics; one
/// whose copy the queue left out keeps its leaf under a marker of its own.
final class DwarfStackCollector: @unchecked Sendable {
    /// Owned by the consumer thread.
    private let unwinder: StackUnwinder
    private let symbolizer: AddressSymbolizer
    private let rootByProcess: Bool
    private var kernelThreads = KernelThreadCache()
    private let shared = Mutex(Shared())

    private struct Shared {
        var pending: [UnwoundKey: UInt64] = [:]
        var recordsHandled: UInt64 = 0
        var forgotten: [Int32] = []
    }

    /// Stacks carry their thread (`SessionSettings.keepsThreads`).
    private let keepsThreads: Bool

    init(symbolizer: AddressSymbolizer, rootByProcess: Bool, budget: MemoryBudget?, keepsThreads: Bool = false) {
        unwinder = StackUnwinder(budget: budget)
        self.symbolizer = symbolizer
        self.rootByProcess = rootByProcess
        self.keepsThreads = keepsThreads
    }

    /// Records handled since the start (or the last reset).
    var recordsHandled: UInt64 { shared.withLock { $0.recordsHandled } }

    /// Safe from any thread: the consumer drops the process's modules before its next record.
    func forget(pid: Int32) {
        shared.withLock { $0.forgotten.append(pid) }
    }

    /// One queued record. Unwinding thread only.
    func handle(_ record: UnwindQueue.Record) {
        record.bytes.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            handle(record: base, size: bytes.count, stackLeftOut: record.stackLeftOut)
        }
    }

    private func handle(record: UnsafeRawPointer, size: Int, stackLeftOut: Bool) {
        let headerSize = MemoryLayout<ft_unwind_sample_header>.size
        guard size >= headerSize else { return }
        let forgotten = shared.withLock { state -> [Int32] in
            defer { state.forgotten.removeAll() }
            return state.forgotten
        }
        for pid in forgotten { unwinder.forget(pid: pid) }
        let header = record.load(as: ft_unwind_sample_header.self)
        var key = UnwoundKey(pid: Int32(bitPattern: header.pid), tid: Int32(bitPattern: header.tid),
                             comm: SampleFields.comm(header.comm), user: [], kernel: [], stop: nil, kernelError: 0,
                             stackLeftOut: false)
        if header.kernel_depth > 0 {
            key.kernel = withUnsafeBytes(of: header.kernel_ips) { raw in
                Array(raw.bindMemory(to: UInt64.self).prefix(Int(header.kernel_depth) / 8).prefix { $0 != 0 })
            }
        } else if header.kernel_depth < 0 {
            key.kernelError = header.kernel_depth
        }
        if header.flags & UInt32(FT_UNWIND_SAMPLE_NO_USER) == 0, stackLeftOut {
            key.user = [header.regs.16]
            key.stackLeftOut = true
        } else if header.flags & UInt32(FT_UNWIND_SAMPLE_NO_USER) == 0 {
            let stackBytes = min(Int(header.stack_size), size - headerSize)
            let wanted = Int(header.stack_wanted)
            withUnsafeBytes(of: header.regs) { registers in
                let snapshot = StackSnapshot(registers: registers.bindMemory(to: UInt64.self),
                                             stack: UnsafeRawBufferPointer(start: record + headerSize, count: stackBytes),
                                             copyIsFull: wanted > 0 && stackBytes >= wanted)
                let unwound = unwinder.unwind(pid: key.pid, tid: key.tid, snapshot: snapshot)
                key.user = unwound.addresses
                key.stop = unwound.stop
            }
        }
        shared.withLock { state in
            state.pending[key, default: 0] += 1
            state.recordsHandled += 1
        }
    }

    /// Symbolizes what was collected since the last drain into `output`. Session thread.
    func drain(into output: inout DrainOutput, statistics: inout SamplingStatistics) {
        let pending = shared.withLock { state -> [UnwoundKey: UInt64] in
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
        for (key, count) in pending {
            var frames: [Frame] = []
            if rootByProcess { frames.append(Frame(function: key.comm, kind: .process)) }
            if key.stackLeftOut {
                statistics.unwindSkippedBehind += count
                frames.append(Frame(function: "[unwind skipped: unwinder behind]"))
                frames.append(contentsOf: symbolizer.symbolizeUser(pid: key.pid, addresses: key.user).reversed())
            } else if let stop = key.stop {
                var seen = output.dwarf[key.pid] ?? (0, 0)
                seen.samples += count
                if stop == .stackCopyTooSmall { seen.copyTooSmall += count }
                output.dwarf[key.pid] = seen
                if stop != .complete {
                    statistics.countUnwindStop(stop, count: count)
                    frames.append(Frame(function: stop == .overBudget ? "[unwind skipped: over memory budget]"
                                                                      : "[unwind stopped: \(stop.rawValue)]"))
                }
                frames.append(contentsOf: symbolizer.symbolizeUser(pid: key.pid, addresses: key.user).reversed())
            } else if !kernelThreads.isKernelThread(key.pid) && key.kernel.isEmpty {
                statistics.userStackUnavailable += count
                frames.append(Frame(function: "[lost user stack: unreadable]"))
            }
            if !key.kernel.isEmpty {
                frames.append(contentsOf: symbolizer.symbolizeKernel(addresses: SampleFields.lookupAddresses(key.kernel)).reversed())
            } else if key.kernelError != 0 {
                statistics.kernelStackUnavailable += count
                frames.append(Frame(function: "[lost kernel stack: error \(-key.kernelError)]", kind: .kernel))
            }
            output.counts.add(Stack(frames, thread: keepsThreads ? ThreadLabel(pid: key.pid, tid: key.tid, name: key.comm) : nil),
                              count: count)
        }
    }

    /// Discards what was collected and not yet drained.
    func reset() {
        shared.withLock { state in
            state.pending.removeAll(keepingCapacity: true)
            state.recordsHandled = 0
        }
    }

    private struct UnwoundKey: Hashable {
        var pid: Int32
        var tid: Int32
        var comm: String
        var user: [UInt64]
        var kernel: [UInt64]
        /// nil: no user stack was captured (kernel thread, or user stacks off).
        var stop: UnwindStop?
        var kernelError: Int32
        /// The queue kept the header only: `user` is the interrupted pc.
        var stackLeftOut: Bool
    }
}
