import CCurses
import Glibc

/// What the fatal-signal handler needs, in memory allocated before it is armed: the
/// handler may only read it and make async-signal-safe calls (write, tcsetattr, raise).
private struct CrashGuardState {
    var descriptor: Int32
    var armed: Int32
    var termios: UnsafeMutablePointer<termios>
    var hasTermios: Bool
    var sequence: UnsafeMutablePointer<UInt8>
    var sequenceLength: Int
    var signals: UnsafeMutablePointer<Int32>
    var previous: UnsafeMutablePointer<sigaction>
    var signalCount: Int
}

nonisolated(unsafe) private var crashGuardState: UnsafeMutablePointer<CrashGuardState>?

private let crashGuardHandler: @convention(c) (Int32) -> Void = { signal in
    guard let state = crashGuardState else { return }
    if state.pointee.armed != 0 {
        state.pointee.armed = 0
        _ = write(state.pointee.descriptor, state.pointee.sequence, state.pointee.sequenceLength)
        if state.pointee.hasTermios {
            _ = tcsetattr(state.pointee.descriptor, TCSANOW, state.pointee.termios)
        }
    }
    // Hand the signal to whoever had it before (the Swift runtime's backtracer, or the
    // default action): it is blocked while we run and is delivered when we return.
    for index in 0..<state.pointee.signalCount where state.pointee.signals[index] == signal {
        _ = flametop_restore_signal_handler(signal, state.pointee.previous + index)
    }
    _ = raise(signal)
}

/// On a crash (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP — Swift traps are
/// SIGILL on x86-64 and SIGTRAP on arm64) leaves the alternate screen, shows the cursor
/// and puts the tty back in cooked mode before the process dies, so a crash never
/// leaves an unusable shell behind.
enum CrashGuard {
    static let signals: [Int32] = [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP]

    /// Arms the guard for `descriptor`. `termios` is the cooked-mode state saved before
    /// curses changed it; `resetSequence` the bytes that undo what curses set up.
    static func arm(descriptor: Int32, termios saved: termios?, resetSequence: [UInt8]) {
        disarm()
        let termiosStorage = UnsafeMutablePointer<termios>.allocate(capacity: 1)
        termiosStorage.initialize(to: saved ?? termios())
        let sequence = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, resetSequence.count))
        sequence.initialize(from: resetSequence, count: resetSequence.count)
        let signalStorage = UnsafeMutablePointer<Int32>.allocate(capacity: signals.count)
        signalStorage.initialize(from: signals, count: signals.count)
        let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: signals.count)
        previous.initialize(repeating: sigaction(), count: signals.count)
        let state = UnsafeMutablePointer<CrashGuardState>.allocate(capacity: 1)
        state.initialize(to: CrashGuardState(
            descriptor: descriptor, armed: 1, termios: termiosStorage, hasTermios: saved != nil,
            sequence: sequence, sequenceLength: resetSequence.count, signals: signalStorage,
            previous: previous, signalCount: signals.count))
        crashGuardState = state
        for (index, signal) in signals.enumerated() {
            // SA_NODEFER is not set: the re-raised signal waits until the handler returns.
            _ = flametop_set_signal_handler(signal, crashGuardHandler, 0, previous + index)
        }
    }

    /// Puts the previous handlers back and frees the state. Idempotent.
    static func disarm() {
        guard let state = crashGuardState else { return }
        for index in 0..<state.pointee.signalCount {
            _ = flametop_restore_signal_handler(state.pointee.signals[index], state.pointee.previous + index)
        }
        crashGuardState = nil
        state.pointee.termios.deallocate()
        state.pointee.sequence.deallocate()
        state.pointee.signals.deallocate()
        state.pointee.previous.deallocate()
        state.deallocate()
    }
}
