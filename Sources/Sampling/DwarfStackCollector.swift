import CLibbpf
import CProfilerABI
import Foundation
import Profile
import Symbolization

/// DWARF mode's consumer: unwinds each ring-buffer record as it is read (the
/// record's bytes are valid only during the callback, so nothing is copied),
/// aggregates identical (thread, user pcs, kernel pcs, stop) into counts, and at
/// each drain symbolizes the unique stacks into the profile.
///
/// A stack whose unwind stopped early keeps the frames found, under a marker
/// frame naming the reason, and is counted by reason in the statistics.
final class DwarfStackCollector {
    private let unwinder = StackUnwinder()
    private let symbolizer: AddressSymbolizer
    private let rootByProcess: Bool
    private var pending: [UnwoundKey: UInt64] = [:]
    private var kernelThreads = KernelThreadCache()
    /// Records handled since the session (or the last reset) started.
    private(set) var recordsHandled: UInt64 = 0

    private let stackCopyBytes: Int

    init(symbolizer: AddressSymbolizer, rootByProcess: Bool, stackCopyBytes: Int) {
        self.stackCopyBytes = stackCopyBytes
        self.symbolizer = symbolizer
        self.rootByProcess = rootByProcess
    }

    func forget(pid: Int32) {
        unwinder.forget(pid: pid)
    }

    /// The ring buffer callback's body: one record.
    func handle(record: UnsafeRawPointer, size: Int) {
        let headerSize = MemoryLayout<ft_unwind_sample_header>.size
        guard size >= headerSize else { return }
        let header = record.load(as: ft_unwind_sample_header.self)
        recordsHandled += 1
        var key = UnwoundKey(pid: Int32(bitPattern: header.pid), tid: Int32(bitPattern: header.tid),
                             comm: SampleFields.comm(header.comm), user: [], kernel: [], stop: nil, kernelError: 0)
        if header.kernel_depth > 0 {
            key.kernel = withUnsafeBytes(of: header.kernel_ips) { raw in
                Array(raw.bindMemory(to: UInt64.self).prefix(Int(header.kernel_depth) / 8).prefix { $0 != 0 })
            }
        } else if header.kernel_depth < 0 {
            key.kernelError = header.kernel_depth
        }
        if header.flags & UInt32(FT_UNWIND_SAMPLE_NO_USER) == 0 {
            let stackBytes = min(Int(header.stack_size), size - headerSize)
            withUnsafeBytes(of: header.regs) { registers in
                let snapshot = StackSnapshot(registers: registers.bindMemory(to: UInt64.self),
                                             stack: UnsafeRawBufferPointer(start: record + headerSize, count: stackBytes),
                                             copyIsFull: stackBytes >= stackCopyBytes)
                let unwound = unwinder.unwind(pid: key.pid, tid: key.tid, snapshot: snapshot)
                key.user = unwound.addresses
                key.stop = unwound.stop
            }
        }
        pending[key, default: 0] += 1
    }

    /// Symbolizes what was collected since the last drain into `profile`.
    func drain(into profile: inout StackCounts, statistics: inout SamplingStatistics) {
        for (key, count) in pending {
            var frames: [Frame] = []
            if rootByProcess { frames.append(Frame(function: key.comm, kind: .process)) }
            if let stop = key.stop {
                if stop != .complete {
                    statistics.countUnwindStop(stop, count: count)
                    frames.append(Frame(function: "[unwind stopped: \(stop.rawValue)]"))
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
            profile.add(Stack(frames), count: count)
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Discards what was collected and not yet drained.
    func reset() {
        pending.removeAll(keepingCapacity: true)
        recordsHandled = 0
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
    }
}

/// libbpf's ring buffer callback: `context` is the collector.
let dwarfRecordHandler: ring_buffer_sample_fn = { context, data, size in
    guard let context, let data else { return 0 }
    Unmanaged<DwarfStackCollector>.fromOpaque(context).takeUnretainedValue()
        .handle(record: UnsafeRawPointer(data), size: size)
    return 0
}
