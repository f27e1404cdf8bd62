/// One frame of a symbolic stack: what a person reads in a flame graph. Equality leaves
/// `forms`, `address` and `mapping` out: they follow from the name within a session, and
/// neither a clone mark nor another instruction of the same line must make a frame of its
/// own (stacks that differ only there share one entry, with the first address seen).
public struct Frame: Hashable, Sendable {
    /// Where the frame executes; decides the folded suffix and the colour.
    public enum Kind: UInt8, Hashable, Sendable {
        /// User-space code of the sampled process.
        case user
        /// Kernel code (folded with the `_[k]` suffix).
        case kernel
        /// A synthetic root naming the process, for system-wide profiles (`comm`).
        case process
        /// A synthetic root naming a thread, `name (tid 1234)`, below its process's
        /// (per-thread profiles).
        case thread
    }

    /// The function's (demangled) name, or `module+0xOFFSET` when it has none.
    public var function: String
    /// The file the code lives in (basename), `[kernel]`, `[vdso]`, …; nil when unknown.
    public var module: String?
    public var kind: Kind
    /// True for a frame that the compiler inlined into its caller.
    public var isInlined: Bool
    /// Source location where debug information has one.
    public var sourceFile: String?
    public var line: Int?
    /// For code named by its function's start without a source line (stripped code, named
    /// from `.eh_frame` bounds): the address's offset from that start. Like a line, it tells
    /// frames of one function apart where positions are shown (`--lines`, the location column)
    /// and is no part of the function's identity.
    public var offsetInFunction: UInt64?
    /// The short form and clone mark the symbolizer decided; nil for frames read from a
    /// folded file (the screen derives a short form from `function` then).
    public var forms: NameForms?
    /// The instruction address the frame was symbolized from (return address − 1 for
    /// callers); 0 when unknown (frames read from a folded file, markers). Inlined frames
    /// share their function's address.
    public var address: UInt64
    /// The mapping `address` lies in; nil when unknown. Kept for pprof export.
    public var mapping: CodeMapping?

    public init(function: String, module: String? = nil, kind: Kind = .user, isInlined: Bool = false,
                sourceFile: String? = nil, line: Int? = nil, offsetInFunction: UInt64? = nil, forms: NameForms? = nil,
                address: UInt64 = 0, mapping: CodeMapping? = nil) {
        self.function = function
        self.module = module
        self.kind = kind
        self.isInlined = isInlined
        self.sourceFile = sourceFile
        self.line = line
        self.offsetInFunction = offsetInFunction
        self.forms = forms
        self.address = address
        self.mapping = mapping
    }
}

extension Frame {
    public static func == (lhs: Frame, rhs: Frame) -> Bool {
        lhs.function == rhs.function && lhs.module == rhs.module && lhs.kind == rhs.kind && lhs.isInlined == rhs.isInlined
            && lhs.sourceFile == rhs.sourceFile && lhs.line == rhs.line && lhs.offsetInFunction == rhs.offsetInFunction
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(function)
        hasher.combine(module)
        hasher.combine(kind)
        hasher.combine(isInlined)
        hasher.combine(sourceFile)
        hasher.combine(line)
        hasher.combine(offsetInFunction)
    }
}

