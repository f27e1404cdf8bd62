/// What makes two frames "the same function" for statistics and trees: the name, the module it
/// lives in and where it runs. Source lines, inlining and compiler clones do not split a
/// function; its short form rides along without taking part in equality.
public struct FunctionIdentity: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var function: String
    public var module: String?
    public var kind: Frame.Kind
    /// The short form the symbolizer decided for `function` (nil: derive one with `ShortName`).
    public var shortFunction: String?

    public init(function: String, module: String? = nil, kind: Frame.Kind = .user, shortFunction: String? = nil) {
        self.function = function
        self.module = module
        self.kind = kind
        self.shortFunction = shortFunction
    }

    public static func == (lhs: FunctionIdentity, rhs: FunctionIdentity) -> Bool {
        lhs.function == rhs.function && lhs.module == rhs.module && lhs.kind == rhs.kind
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(function)
        hasher.combine(module)
        hasher.combine(kind)
    }

    /// Name first so sorted lists read alphabetically; module and kind only break ties.
    public static func < (lhs: FunctionIdentity, rhs: FunctionIdentity) -> Bool {
        orders(lhs.function, lhs.module, lhs.kind, before: rhs.function, rhs.module, rhs.kind)
    }

    /// The order of `<` on the parts, for callers that hold frames, not identities.
    static func orders(_ leftFunction: String, _ leftModule: String?, _ leftKind: Frame.Kind,
                       before rightFunction: String, _ rightModule: String?, _ rightKind: Frame.Kind) -> Bool {
        if leftFunction != rightFunction { return leftFunction < rightFunction }
        if leftModule != rightModule {
            guard let left = leftModule else { return true }
            guard let right = rightModule else { return false }
            return left < right
        }
        return leftKind.rawValue < rightKind.rawValue
    }

    /// A cheap hash of what equality compares (not SipHash over the strings): for tables of
    /// their own that hold hundreds of thousands of functions without a `Dictionary`'s
    /// overhead. Not seeded: the names come from profiled binaries, not an adversary.
    public var contentHash: UInt64 { FrameInterner.hash(function: function, module: module, kind: kind) }

    public var description: String {
        guard let module else { return function }
        return "\(function) [\(module)]"
    }
}

extension Frame {
    /// The function this frame belongs to, without its source position.
    public var identity: FunctionIdentity {
        FunctionIdentity(function: function, module: module, kind: kind, shortFunction: forms?.short)
    }

    /// The frame's source position when debug information gave both file and line.
    public var sourcePosition: SourcePosition? {
        guard let sourceFile, let line else { return nil }
        return SourcePosition(file: sourceFile, line: line)
    }
}
