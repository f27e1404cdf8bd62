import CElfutils
import Glibc

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
    private var processes: [Int32: ProcessUnwinder] = [:]
    private let clock = ContinuousClock()

    public init(maxDepth: Int = 127) {
        self.maxDepth = maxDepth
    }

    public func unwind(pid: Int32, tid: Int32, snapshot: StackSnapshot) -> (addresses: [UInt64], stop: UnwindStop) {
        guard let process = process(pid) else {
            return ([snapshot.registers[16]], .unmapped)
        }
        var result = process.unwind(tid: tid, snapshot: snapshot, maxDepth: maxDepth)
        // A pc outside every module: code mapped after the Dwfl was built (dlopen).
        // Rebuild at most once a second per process, then retry once.
        if result.stop == .unmapped, clock.now - process.builtAt > .seconds(1) {
            processes[pid] = nil
            if let fresh = self.process(pid) {
                result = fresh.unwind(tid: tid, snapshot: snapshot, maxDepth: maxDepth)
            }
        }
        return result
    }

    /// Drops a process's modules (it exited, or the session ended).
    public func forget(pid: Int32) {
        processes[pid] = nil
    }

    private func process(_ pid: Int32) -> ProcessUnwinder? {
        if let known = processes[pid] { return known }
        // --all sessions meet many short-lived processes: bound what is kept.
        if processes.count >= 256 { processes.removeAll() }
        guard let created = ProcessUnwinder(pid: pid, builtAt: clock.now) else { return nil }
        processes[pid] = created
        return created
    }
}

/// One process's Dwfl: modules reported from /proc/pid/maps, state attached with
/// callbacks that serve the sample currently being unwound.
final class ProcessUnwinder {
    let builtAt: ContinuousClock.Instant
    private let dwfl: OpaquePointer
    /// libdwfl keeps pointers to both callback tables: they live as long as the Dwfl.
    private let callbacks: UnsafeMutablePointer<Dwfl_Callbacks>
    private let threadCallbacks: UnsafeMutablePointer<Dwfl_Thread_Callbacks>
    private let current: CurrentSample

    init?(pid: Int32, builtAt: ContinuousClock.Instant) {
        self.builtAt = builtAt
        let current = CurrentSample()
        self.current = current
        let callbacks = UnsafeMutablePointer<Dwfl_Callbacks>.allocate(capacity: 1)
        callbacks.initialize(to: Dwfl_Callbacks(find_elf: dwfl_linux_proc_find_elf,
                                                find_debuginfo: dwfl_standard_find_debuginfo,
                                                section_address: nil, debuginfo_path: nil))
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
        if result == 1 || addresses.count >= maxDepth { return (addresses, .depthLimit) }
        // Checked before the result: libdw ends a walk "normally" (0) when the
        // return address cannot be read (it takes that for the outermost frame),
        // which a read beyond the copy is not.
        if let failure = current.readFailure { return (addresses, failure) }
        if result == 0 { return (addresses, .complete) }
        // The last frame's pc (its lookup address lies in the same module).
        if dwfl_addrmodule(dwfl, addresses[addresses.count - 1]) == nil { return (addresses, .unmapped) }
        return (addresses, .noCFI)
    }
}

/// What the C callbacks see: the sample being unwound and what was found.
final class CurrentSample {
    var tid: Int32 = 0
    var snapshot: StackSnapshot?
    var addresses: [UInt64] = []
    var maxDepth = 127
    var readFailure: UnwindStop?
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
        current.readFailure = address >= end && snapshot.copyIsFull ? .stackCopyTooSmall : .unmapped
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
