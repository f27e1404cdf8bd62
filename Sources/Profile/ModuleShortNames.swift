/// Short names decided per module for a profile read from a file (`flametop view`), by the
/// rule the live symbolizer applies to each module it loads: template arguments folded to
/// `<…>` unless that would make two functions of the same module look the same. A file holds
/// names, not symbol tables, so its names are what each module is decided from; the file
/// never changes, so neither does a short name.
public struct ModuleShortNames: Sendable {
    /// Frames of one module and kind decide together: a folded file's frames have no module,
    /// and its kernel frames are not the user code's.
    private struct Group: Hashable {
        var module: String?
        var isKernel: Bool
    }

    private var tables: [Group: ShortNameTable] = [:]

    /// Decides from every frame of `frames` (duplicates allowed); process and thread roots are names, not functions.
    public init<Frames: Sequence>(frames: Frames) where Frames.Element == Frame {
        self.init(frames: frames, [])
    }

    /// Decides from the frames of two profiles together (a file and its baseline), so both
    /// sides of a diff name a function alike.
    public init<First: Sequence, Second: Sequence>(frames first: First, _ second: Second)
    where First.Element == Frame, Second.Element == Frame {
        // Duplicates are allowed: a list costs 16 bytes a name where a set cost about 40.
        var names: [Group: [String]] = [:]
        Self.collect(first, into: &names)
        Self.collect(second, into: &names)
        for (group, functions) in names { tables[group] = ShortNameTable(fullNames: functions) }
    }

    private static func collect<Frames: Sequence>(_ frames: Frames, into names: inout [Group: [String]])
    where Frames.Element == Frame {
        for frame in frames where !frame.kind.isSynthetic {
            names[group(of: frame), default: []].append(frame.function)
        }
    }

    /// `frame`'s forms with the short name decided for its module; its clone mark and system name kept.
    /// A frame without forms whose short name is the plain one stays without: a million names
    /// of a folded file would otherwise each hold an object saying what the screen derives anyway.
    func forms(for frame: Frame) -> NameForms? {
        guard !frame.kind.isSynthetic, let table = tables[Self.group(of: frame)] else { return frame.forms }
        if frame.forms == nil && table.keepsPlainShortName(frame.function) { return nil }
        let short = table.shortName(frame.function)
        if let forms = frame.forms, forms.short == short { return forms }
        return NameForms(short: short, clone: frame.forms?.clone, systemName: frame.forms?.systemName)
    }

    /// `counts` with every frame's short name decided (`view --baseline`'s profile).
    public func applied(to counts: StackCounts) -> StackCounts {
        var cache = FormsCache()
        var result = StackCounts()
        for (stack, count) in counts.counts {
            var decided = stack
            for index in decided.frames.indices { decided.frames[index].forms = cache.forms(for: decided.frames[index], in: self) }
            result.add(decided, count: count)
        }
        return result
    }

    private static func group(of frame: Frame) -> Group {
        Group(module: frame.module, isKernel: frame.kind == .kernel)
    }

    /// One `NameForms` per function (and clone mark and system name, which belong to the
    /// frame), shared by all its frames.
    struct FormsCache {
        private struct Key: Hashable {
            var identity: FunctionIdentity
            var clone: String?
            var systemName: String?
        }

        private var known: [Key: NameForms?] = [:]

        mutating func forms(for frame: Frame, in names: ModuleShortNames) -> NameForms? {
            let key = Key(identity: frame.identity, clone: frame.forms?.clone, systemName: frame.forms?.systemName)
            if let forms = known[key] { return forms }
            let forms = names.forms(for: frame)
            known[key] = forms
            return forms
        }
    }
}

extension StackTable {
    /// Every distinct frame the table holds, each once.
    public var distinctFrames: [Frame] { interner.frames }

    /// Gives every frame, and every function, the short name `names` decides for it; each
    /// distinct frame is asked once.
    public mutating func decideShortNames(_ names: ModuleShortNames) {
        interner.replaceForms { names.forms(for: $0) }
    }
}
