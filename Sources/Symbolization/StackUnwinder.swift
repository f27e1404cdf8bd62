import CElfutils
import Glibc
import Profile

/// Why an unwind ended. `.complete` means the CFI marked the outermost frame
/// (glibc's `_start` and `clone3` leave the return address undefined).
public enum UnwindStop: String, Sendable, CaseIterable {
    case complete
    /// A read fell outside the copied stack, above its end: the copy was too small.
    case stackCopyTooSmall = "stack copy too small"
    /// The pc lies in a module without usable CFI (.eh_frame/.debug_frame).
    case noCFI = "no CFI"
    /// The pc lies in no mapped module, or a read fell below the stack pointer.
    case unmapped
    /// More frames than the depth limit.
    case depthLimit = "depth limit"
    /// Not unwound: the process's CFI would not fit the memory budget beside
    /// processes unwound in the last seconds. Only the pc is kept.
    case overBudget = "over memory budget"
}

/// One sample's user registers and stack copy, as the BPF program captured them.
public struct StackSnapshot {
    /// x86-64 DWARF registers 0…16 (rax rdx rcx rbx rsi rdi rbp rsp r8–r15 rip).
    public var registers: UnsafeBufferPointer<UInt64>
    /// The bytes from `registers[7]` (the stack pointer) up.
    public var stack: UnsafeRawBufferPointer
    /// Whether the copy is as long as asked: a read above a full copy means the
    /// copy was too small; above a shorter one, the stack itself ended there.
    public var copyIsFull: Bool

    public init(registers: UnsafeBufferPointer<UInt64>, stack: UnsafeRawBufferPointer, copyIsFull: Bool) {
        self.registers = registers
        self.stack = stack
        self.copyIsFull = copyIsFull
    }
}

/// Unwinds copied user stacks with libdw's unwinder (`dwfl_attach_state` with
/// thread callbacks that read the copy instead of the live process), one Dwfl
/// per process holding its modules and their parsed CFI.
///
/// Owned by one thread. Addresses come back leaf first, ready for
/// `Symbolizer.symbolizeUser`: the interrupted pc itself, then each caller's
/// return address minus one (so a call ending a function stays in it).
public final class StackUnwinder {
    public let maxDepth: Int
    /// Processes whose modules are kept at most, budget or not (an --all session meets many).
    public static let maximumProcesses = 64
    private var processes: [Int32: ProcessUnwinder] = [:]
    private let clock = ContinuousClock()
    /// Each process's CFI is reserved from the unwinder's share; when it is full,
    /// the processes unwound longest ago go first.
    private let budget: MemoryBudget?
    private var useCounter: UInt64 = 0

    public init(maxDepth: Int = 127, budget: MemoryBudget? = nil) {
        self.maxDepth = maxDepth
        self.budget = budget
    }

    /// Processes whose modules and CFI are held now.
    public var processCount: Int { processes.count }

    public func unwind(pid: Int32, tid: Int32, snapshot: StackSnapshot) -> (addresses: [UInt64], stop: UnwindStop) {
        let process: ProcessUnwinder
        switch self.process(pid) {
        case .ready(let ready): process = ready
        case .unavailable: return ([snapshot.registers[16]], .unmapped)
        case .overBudget: return ([snapshot.registers[16]], .overBudget)
        }
        var result = process.unwind(tid: tid, snapshot: snapshot, maxDepth: maxDepth)
        // A pc outside every module: code mapped after the Dwfl was built (dlopen).
        // Rebuild at most once a second per process, then retry once.
        if result.stop == .unmapped, clock.now - process.builtAt > .seconds(1) {
            forget(pid: pid)
            if case .ready(let fresh) = self.process(pid) {
                result = fresh.unwind(tid: tid, snapshot: snapshot, maxDepth: maxDepth)
            }
        }
        return result
    }

    /// Drops a process's modules (it exited, or the session ended).
    public func forget(pid: Int32) {
        if let gone = processes.removeValue(forKey: pid) { budget?.release(gone.estimatedBytes, for: .unwinder) }
        refused.removeValue(forKey: pid)
    }

    /// A process unwound within this long is not evicted for another: on a host
    /// running many copies of one large binary (a build's compilers), each
    /// would evict the last and parse its CFI again, over and over.
    static let busyWindow: Duration = .seconds(2)
    /// A process refused for the budget is not tried again before this.
    static let refusalRetry: Duration = .seconds(5)
    private var refused: [Int32: ContinuousClock.Instant] = [:]

    private enum Lookup {
        case ready(ProcessUnwinder)
        case unavailable
        case overBudget
    }

    private func process(_ pid: Int32) -> Lookup {
        useCounter += 1
        let now = clock.now
        if let known = processes[pid] {
            known.lastUsed = useCounter
            known.lastUsedAt = now
            return .ready(known)
        }
        if let since = refused[pid], now - since < Self.refusalRetry { return .overBudget }
        guard let created = ProcessUnwinder(pid: pid, builtAt: now) else { return .unavailable }
        created.lastUsed = useCounter
        created.lastUsedAt = now
        if processes.count >= Self.maximumProcesses { evictLeastRecentlyUsed() }
        if let budget {
            while !budget.reserve(created.estimatedBytes, for: .unwinder) {
                guard let oldest = leastRecentlyUsed else {
                    // Alone over the share: kept anyway (a profile without its
                    // stacks would be worse), and charged so the usage stays true.
                    budget.charge(created.estimatedBytes, for: .unwinder)
                    break
                }
                guard now - oldest.lastUsedAt >= Self.busyWindow else {
                    if refused.count >= 4096 { refused.removeAll() }
                    refused[pid] = now
                    return .overBudget
                }
                forget(pid: oldest.pid)
            }
        }
        processes[pid] = created
        refused.removeValue(forKey: pid)
        return .ready(created)
    }

    private var leastRecentlyUsed: ProcessUnwinder? {
        processes.values.min { $0.lastUsed < $1.lastUsed }
    }

    private func evictLeastRecentlyUsed() {
        if let oldest = leastRecentlyUsed { forget(pid: oldest.pid) }
    }
}

/// One process's Dwfl: modules reported from /proc/pid/maps, state attached with
/// callbacks that serve the sample currently being unwound.
final class ProcessUnwinder {
    let builtAt: ContinuousClock.Instant
    let pid: Int32
    private let dwfl: OpaquePointer
    /// libdwfl keeps pointers to both callback tables: they live as long as the Dwfl.
    private let callbacks: UnsafeMutablePointer<Dwfl_Callbacks>
    private let threadCallbacks: UnsafeMutablePointer<Dwfl_Thread_Callbacks>
    private let current: CurrentSample

    init?(pid: Int32, builtAt: ContinuousClock.Instant) {
        self.builtAt = builtAt
        lastUsedAt = builtAt
        self.pid = pid
        let current = CurrentSample()
        self.current = current
        let callbacks = UnsafeMutablePointer<Dwfl_Callbacks>.allocate(capacity: 1)
        callbacks.initialize(to: Dwfl_Callbacks(find_elf: dwfl_linux_proc_find_elf,
                                                find_debuginfo: dwfl_standard_find_debuginfo,
                                                // libdwfl calls it for a relocatable (ET_REL) module: a nil
                                                // callback there is a jump to address 0.
                                                section_address: dwfl_offline_section_address, debuginfo_path: nil))
        let threadCallbacks = UnsafeMutablePointer<Dwfl_Thread_Callbacks>.allocate(capacity: 1)
        threadCallbacks.initialize(to: Dwfl_Thread_Callbacks(
            next_thread: unwinderNextThread, get_thread: unwinderGetThread, memory_read: unwinderMemoryRead,
            set_initial_registers: unwinderSetInitialRegisters, detach: nil, thread_detach: nil))
        // Everything that can fail happens before `self.dwfl` is set: a failable
        // initializer that fails after full initialization would run deinit.
        guard let dwfl = dwfl_begin(callbacks) else {
            callbacks.deallocate()
            threadCallbacks.deallocate()
            return nil
        }
        dwfl_report_begin(dwfl)
        let reported = dwfl_linux_proc_report(dwfl, pid)
        dwfl_report_end(dwfl, nil, nil)
        let context = Unmanaged.passUnretained(current).toOpaque()
        guard reported == 0, dwfl_attach_state(dwfl, nil, pid, threadCallbacks, context) else {
            dwfl_end(dwfl)
            callbacks.deallocate()
            threadCallbacks.deallocate()
            return nil
        }
        self.dwfl = dwfl
        self.callbacks = callbacks
        self.threadCallbacks = threadCallbacks
    }

    deinit {
        dwfl_end(dwfl)
        callbacks.deallocate()
        threadCallbacks.deallocate()
    }

    var lastUsed: UInt64 = 0
    var lastUsedAt: ContinuousClock.Instant

    /// What its parsed CFI takes, estimated: the `.eh_frame` and `.debug_frame` bytes of
    /// every module it reported, read from section headers without loading the modules into
    /// libdwfl. libdw parses lazily, so a process that runs little code costs less; one that
    /// runs all of a file's code costs more (18 MB measured for the Swift compiler's 13.6 MB
    /// `.eh_frame`), and the soak beside compilers shows that difference as resident memory
    /// the budget does not see.
    private(set) lazy var estimatedBytes: Int = {
        var paths: [String] = []
        var cursor: ptrdiff_t = 0
        repeat {
            cursor = withUnsafeMutablePointer(to: &paths) { pointer in
                dwfl_getmodules(dwfl, { _, _, name, _, argument in
                    if let name, let argument, name.pointee == UInt8(ascii: "/") {
                        argument.assumingMemoryBound(to: [String].self).pointee.append(String(cString: name))
                    }
                    return Int32(DWARF_CB_OK)
                }, pointer, cursor)
            }
        } while cursor > 0
        return max(1, paths.reduce(0) { $0 + FrameSectionBytes.of(path: "/proc/\(pid)/root" + $1) })
    }()

    func unwind(tid: Int32, snapshot: StackSnapshot, maxDepth: Int) -> (addresses: [UInt64], stop: UnwindStop) {
        current.tid = tid
        current.snapshot = snapshot
        current.addresses.removeAll(keepingCapacity: true)
        current.maxDepth = maxDepth
        current.readFailure = nil
        let context = Unmanaged.passUnretained(current).toOpaque()
        let result = dwfl_getthread_frames(dwfl, tid, unwinderFrame, context)
        current.snapshot = nil
        let addresses = current.addresses
        if addresses.isEmpty { return ([snapshot.registers[16]], .unmapped) }
        // The last frame's lookup address lies in the same module and function as its pc.
        let outermost = addresses[addresses.count - 1]
        let module = dwfl_addrmodule(dwfl, outermost)
        let classifier = UnwindStopClassifier(
            frames: addresses.count, maxDepth: maxDepth, libdwResult: result, readFailure: current.readFailure,
            outermostIsEntryFunction: module.map { entryFunction(of: $0).contains(outermost) } ?? false,
            outermostIsMapped: module != nil)
        return (addresses, classifier.stop)
    }

    /// Per module (by its load address), the bounds of the function holding the
    /// ELF entry point: the FDE that covers e_entry, or its first 64 bytes where
    /// the module has no CFI for it.
    private var entryFunctions: [UInt64: Range<UInt64>] = [:]

    private func entryFunction(of module: OpaquePointer) -> Range<UInt64> {
        var low: Dwarf_Addr = 0
        _ = dwfl_module_info(module, nil, &low, nil, nil, nil, nil, nil)
        if let known = entryFunctions[low] { return known }
        var bounds: Range<UInt64> = 0..<0
        var bias: Dwarf_Addr = 0
        var header = GElf_Ehdr()
        if let elf = dwfl_module_getelf(module, &bias), gelf_getehdr(elf, &header) != nil, header.e_entry != 0 {
            let entry = header.e_entry &+ bias
            bounds = entry..<(entry &+ 64)
            var cfiBias: Dwarf_Addr = 0
            let cfi = dwfl_module_eh_cfi(module, &cfiBias) ?? dwfl_module_dwarf_cfi(module, &cfiBias)
            var frame: OpaquePointer?
            if let cfi, dwarf_cfi_addrframe(cfi, entry &- cfiBias, &frame) == 0, let frame {
                var start: Dwarf_Addr = 0
                var end: Dwarf_Addr = 0
                if dwarf_frame_info(frame, &start, &end, nil) >= 0, end > start {
                    bounds = (start &+ cfiBias)..<(end &+ cfiBias)
                }
                free(UnsafeMutableRawPointer(frame))
            }
        }
        entryFunctions[low] = bounds
        return bounds
    }
}

/// What the C callbacks see: the sample being unwound and what was found.
final class CurrentSample {
    var tid: Int32 = 0
    var snapshot: StackSnapshot?
    var addresses: [UInt64] = []
    var maxDepth = 127
    var readFailure: UnwindStopClassifier.ReadFailure?
}

private func sample(_ argument: UnsafeMutableRawPointer?) -> CurrentSample {
    Unmanaged<CurrentSample>.fromOpaque(argument!).takeUnretainedValue()
}

private let unwinderNextThread: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?,
                                                UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> pid_t = { _, argument, threadArgument in
    // One thread per walk: the sample's. A non-nil thread argument means it was served.
    guard let threadArgument, threadArgument.pointee == nil else { return 0 }
    threadArgument.pointee = argument
    return sample(argument).tid
}

private let unwinderGetThread: @convention(c) (OpaquePointer?, pid_t, UnsafeMutableRawPointer?,
                                               UnsafeMutablePointer<UnsafeMutableRawPointer?>?) -> Bool = { _, tid, argument, threadArgument in
    guard tid == sample(argument).tid else { return false }
    threadArgument?.pointee = argument
    return true
}

private let unwinderMemoryRead: @convention(c) (OpaquePointer?, Dwarf_Addr, UnsafeMutablePointer<Dwarf_Word>?,
                                                UnsafeMutableRawPointer?) -> Bool = { _, address, result, argument in
    let current = sample(argument)
    guard let snapshot = current.snapshot, let result else { return false }
    let stackPointer = snapshot.registers[7]
    let end = stackPointer &+ UInt64(snapshot.stack.count)
    guard address >= stackPointer, address <= end &- 8, end >= 8 else {
        if address < stackPointer {
            current.readFailure = .belowStackPointer
        } else {
            current.readFailure = snapshot.copyIsFull ? .aboveFullCopy : .aboveStackTop
        }
        return false
    }
    result.pointee = snapshot.stack.loadUnaligned(fromByteOffset: Int(address - stackPointer), as: UInt64.self)
    return true
}

private let unwinderSetInitialRegisters: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Bool = { thread, argument in
    guard let thread, let snapshot = sample(argument).snapshot, let base = snapshot.registers.baseAddress else { return false }
    guard dwfl_thread_state_registers(thread, 0, 17, base) else { return false }
    dwfl_thread_state_register_pc(thread, snapshot.registers[16])
    return true
}

private let unwinderFrame: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?) -> Int32 = { frame, argument in
    let current = sample(argument)
    var pc: Dwarf_Addr = 0
    var isActivation = false
    guard let frame, dwfl_frame_pc(frame, &pc, &isActivation) else { return Int32(DWARF_CB_ABORT) }
    // A caller's pc is a return address: the call lies just before it.
    current.addresses.append(isActivation || pc == 0 ? pc : pc - 1)
    return Int32(current.addresses.count >= current.maxDepth ? DWARF_CB_ABORT : DWARF_CB_OK)
}
