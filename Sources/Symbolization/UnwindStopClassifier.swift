/// Why an unwind ended, from what libdw's walk left behind. Pure, so every rule
/// is tested without a process.
///
/// An unwind that reaches the outermost frame is complete however libdw ended
/// it: glibc's `_start` and `clone3` mark the return address undefined in their
/// CFI (libdw then ends normally), but a stripped binary's `_start` may not, and
/// libdw then reads a return address above the thread's stack. Only a walk that
/// stops short of the outermost frame is a loss, counted by its true reason.
public struct UnwindStopClassifier {
    /// A read the unwinder wanted and the copy could not serve.
    public enum ReadFailure: Equatable, Sendable {
        /// Above the copy, which was as long as asked: the copy was too small.
        case aboveFullCopy
        /// Above a copy that ended early, at the last readable page: the thread's stack ends there.
        case aboveStackTop
        /// Below the stack pointer: a corrupt frame.
        case belowStackPointer
    }

    public var frames: Int
    public var maxDepth: Int
    /// libdw's dwfl_getthread_frames result: 0 ended normally, 1 aborted by the
    /// frame callback (depth), -1 an error.
    public var libdwResult: Int32
    public var readFailure: ReadFailure?
    /// Whether the outermost frame found lies in the function holding the ELF entry point (`_start`).
    public var outermostIsEntryFunction: Bool
    /// Whether the outermost frame's pc lies in a module at all.
    public var outermostIsMapped: Bool

    public init(frames: Int, maxDepth: Int, libdwResult: Int32, readFailure: ReadFailure?,
                outermostIsEntryFunction: Bool, outermostIsMapped: Bool) {
        self.frames = frames
        self.maxDepth = maxDepth
        self.libdwResult = libdwResult
        self.readFailure = readFailure
        self.outermostIsEntryFunction = outermostIsEntryFunction
        self.outermostIsMapped = outermostIsMapped
    }

    public var stop: UnwindStop {
        if frames == 0 { return .unmapped }
        if libdwResult == 1 || frames >= maxDepth { return .depthLimit }
        if outermostIsEntryFunction { return .complete }
        // Checked before the result: libdw ends a walk "normally" when a return
        // address cannot be read, taking that for the outermost frame.
        switch readFailure {
        case .aboveFullCopy: return .stackCopyTooSmall
        case .aboveStackTop: return .complete
        case .belowStackPointer: return .unmapped
        case nil: break
        }
        if libdwResult == 0 { return .complete }
        return outermostIsMapped ? .noCFI : .unmapped
    }
}
