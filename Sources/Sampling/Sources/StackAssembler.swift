import CProfilerABI
import FoundationEssentials
import Glibc
import Profile

/// What the assembler needs from a symbolizer. Addresses arrive leaf first, as
/// bpf_get_stack stores them, and come back leaf first: at least one frame each, more
/// where code was inlined (the inlined calls before the function holding them).
public protocol AddressSymbolizer: AnyObject {
    func prepare(pid: Int32)
    /// Starts loading kernel symbols in the background (a session that captures kernel stacks).
    func preloadKernelSymbols()
    /// Draws what grows with the input (DWARF indexes) from `budget`.
    func useMemoryBudget(_ budget: MemoryBudget)
    func forget(pid: Int32)
    func symbolizeUser(pid: Int32, addresses: [UInt64]) -> [Frame]
    func symbolizeKernel(addresses: [UInt64]) -> [Frame]
    /// Whether a kernel lookup now would wait for kernel symbols still loading.
    var kernelSymbolsLoading: Bool { get }
    /// Modules whose frames stayed unresolved, worst first, each with its share, the
    /// reason and the fix (`libfoo.so: 40% of 1200 frames unresolved (no debug info): …`).
    func unresolvedModules() -> [String]
}

extension AddressSymbolizer {
    public func unresolvedModules() -> [String] { [] }
    public func preloadKernelSymbols() {}
    public func useMemoryBudget(_ budget: MemoryBudget) {}
    public var kernelSymbolsLoading: Bool { false }
}

/// Turns drained (pid, tid, stack hashes) counts into symbolic stacks, root → leaf:
/// [process] + user frames + kernel frames. A stack that could not be captured
/// becomes a bracketed marker frame, so totals stay true and the loss is visible.
final class StackAssembler {
    private let symbolizer: AddressSymbolizer
    /// Whether kernel frames would wait for kernel symbols still loading.
    var kernelSymbolsLoading: Bool { symbolizer.kernelSymbolsLoading }
    private let rootByProcess: Bool
    /// `auto`: a stack that reached no thread entry says so in a marker frame.
    private let marksIncompleteStacks: Bool
    private var kernelThreads = KernelThreadCache()
    /// Stacks carry their thread (`SessionSettings.keepsThreads`).
    private let keepsThreads: Bool

    init(symbolizer: AddressSymbolizer, rootByProcess: Bool, marksIncompleteStacks: Bool = false,
         keepsThreads: Bool = false) {
        self.symbolizer = symbolizer
        self.rootByProcess = rootByProcess
        self.marksIncompleteStacks = marksIncompleteStacks
        self.keepsThreads = keepsThreads
    }

    /// The user part of an off-CPU block that began before the session: its user
    /// stack was never seen (only its kernel stack, read at wake-up).
    static let blockedBeforeStartMarker = Frame(function: "[blocked since before the session]")

    /// The marker above a frame-pointer walk that broke before a thread entry.
    static let incompleteMarker = Frame(function: "[unwind stopped: frame pointers]")

    /// Only whether each stack reached a thread entry, per process (user frames
    /// only, no kernel stack), busiest process first, until `deadline`: what the
    /// unwinding policy needs before the drain symbolizes everything. Returns the
    /// processes observed. (Every user frame is looked at: a frame-pointer walk
    /// goes on past `__libc_start_call_main` into whatever rbp held there.)
    func observe(_ drained: [DrainedCount], stacks: [Int64: [UInt64]], into output: inout DrainOutput,
                 until deadline: ContinuousClock.Instant?) -> Set<Int32> {
        var byProcess: [Int32: [DrainedCount]] = [:]
        for entry in drained where entry.key.user_stack >= 0 {
            byProcess[Int32(bitPattern: entry.key.pid), default: []].append(entry)
        }
        let busiest = byProcess.sorted { $0.value.reduce(0) { $0 + $1.count } > $1.value.reduce(0) { $0 + $1.count } }
        var observed = Set<Int32>()
        for (pid, entries) in busiest {
            if let deadline, ContinuousClock.now >= deadline { break }
            observed.insert(pid)
            var seen = output.framePointer[pid] ?? (0, 0)
            for entry in entries {
                guard let addresses = stacks[entry.key.user_stack] else { continue }
                let complete = ThreadEntryFrames.reached(
                    symbolizer.symbolizeUser(pid: pid, addresses: SampleFields.lookupAddresses(addresses)))
                seen.stacks += entry.count
                if !complete { seen.incomplete += entry.count }
            }
            output.framePointer[pid] = seen
        }
        return observed
    }

    /// Assembles counts into `output` (stacks, and per process how many reached a
    /// thread entry) and `statistics`, with the stacks copied out of the kernel's
    /// maps (by hash); returns the hashes it read.
    func assemble(_ drained: some Collection<DrainedCount>, stacks: [Int64: [UInt64]],
                  into output: inout DrainOutput, statistics: inout SamplingStatistics,
                  observed: (Int32) -> Bool = { _ in false }) -> Set<Int64> {
        // Per unique user stack: its frames, and whether they reach a thread entry.
        var userStacks: [StackKey: (frames: [Frame], complete: Bool)?] = [:]
        var kernelStacks: [Int64: [Frame]?] = [:]
        var usedIDs = Set<Int64>()

        for entry in drained {
            let key = entry.key
            let pid = Int32(bitPattern: key.pid)
            var frames: [Frame] = []
            if rootByProcess {
                frames.append(Frame(function: SampleFields.comm(key.comm), kind: .process))
            }

            let userID = key.user_stack
            if userID >= 0 {
                usedIDs.insert(userID)
                let stackKey = StackKey(pid: pid, id: userID)
                let resolved: (frames: [Frame], complete: Bool)?
                if let known = userStacks[stackKey] {
                    resolved = known
                } else {
                    resolved = stacks[userID].map {
                        let symbolized = Array(symbolizer.symbolizeUser(pid: pid, addresses: SampleFields.lookupAddresses($0)).reversed())
                        return (symbolized, ThreadEntryFrames.reached(symbolized))
                    }
                    userStacks[stackKey] = resolved
                }
                if let resolved {
                    if marksIncompleteStacks && !resolved.complete { frames.append(Self.incompleteMarker) }
                    frames.append(contentsOf: resolved.frames)
                    statistics.framePointerStacks += entry.count
                    if !resolved.complete { statistics.framePointerStacksIncomplete += entry.count }
                    if !observed(pid) {
                        var seen = output.framePointer[pid] ?? (0, 0)
                        seen.stacks += entry.count
                        if !resolved.complete { seen.incomplete += entry.count }
                        output.framePointer[pid] = seen
                    }
                } else {
                    statistics.stacksMissingAtDrain += entry.count
                    frames.append(Frame(function: "[lost user stack: gone at drain]"))
                }
            } else if userID != FT_STACK_NOT_CAPTURED {
                if let marker = classifyUserError(userID, pid: pid, count: entry.count, statistics: &statistics) {
                    frames.append(marker)
                }
            }

            let kernelID = key.kern_stack
            if kernelID >= 0 {
                usedIDs.insert(kernelID)
                if kernelStacks[kernelID] == nil {
                    kernelStacks[kernelID] = stacks[kernelID].map {
                        symbolizer.symbolizeKernel(addresses: SampleFields.lookupAddresses($0)).reversed()
                    }
                }
                if let resolved = kernelStacks[kernelID] ?? nil {
                    frames.append(contentsOf: resolved)
                } else {
                    statistics.stacksMissingAtDrain += entry.count
                    frames.append(Frame(function: "[lost kernel stack: gone at drain]", kind: .kernel))
                }
            } else if kernelID != FT_STACK_NOT_CAPTURED {
                frames.append(classifyKernelError(kernelID, count: entry.count, statistics: &statistics))
            }
            let thread = keepsThreads
                ? ThreadLabel(pid: pid, tid: Int32(bitPattern: key.tid), name: SampleFields.comm(key.comm)) : nil
            output.counts.add(Stack(frames, thread: thread), count: entry.count)
        }
        return usedIDs
    }

    private func classifyUserError(_ code: Int64, pid: Int32, count: UInt64,
                                   statistics: inout SamplingStatistics) -> Frame? {
        switch code {
        case Int64(FT_OFFCPU_BLOCKED_BEFORE_START):
            return Self.blockedBeforeStartMarker
        case Int64(FT_STACK_MAP_FULL):
            statistics.userStackMapFull += count
            return Frame(function: "[lost user stack: map full]")
        case -Int64(EFAULT):
            if kernelThreads.isKernelThread(pid) { return nil } // no user space at all: not a loss
            statistics.userStackUnavailable += count
            return Frame(function: "[lost user stack: unreadable]")
        default:
            statistics.userStackOtherErrors += count
            return Frame(function: "[lost user stack: error \(-code)]")
        }
    }

    private func classifyKernelError(_ code: Int64, count: UInt64, statistics: inout SamplingStatistics) -> Frame {
        switch code {
        case Int64(FT_STACK_MAP_FULL):
            statistics.kernelStackMapFull += count
            return Frame(function: "[lost kernel stack: map full]", kind: .kernel)
        case -Int64(EFAULT):
            statistics.kernelStackUnavailable += count
            return Frame(function: "[lost kernel stack: unreadable]", kind: .kernel)
        default:
            statistics.kernelStackOtherErrors += count
            return Frame(function: "[lost kernel stack: error \(-code)]", kind: .kernel)
        }
    }

    private struct StackKey: Hashable {
        var pid: Int32
        var id: Int64
    }
}
