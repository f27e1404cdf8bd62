import CElfutils

/// Functions, inlined calls and line rows of one compilation unit, read once from libdw
/// into sorted arrays: later lookups are binary searches, not DWARF walks.
struct CompileUnitIndex {
    /// A function (DW_TAG_subprogram) or an inlined call (DW_TAG_inlined_subroutine).
    struct Scope {
        var name: Int32
        /// True when `name` is a linkage (mangled) name; false for a plain DW_AT_name made
        /// qualified by the declaration's enclosing namespaces and classes.
        var isLinkageName: Bool
        /// For a plain name: where an out-of-line instance of the same function starts (its
        /// own entry for a function, a sibling instance's for an inlined call), 0 for none.
        /// Its ELF symbol carries the linkage name DWARF left out.
        var outOfLineEntry: UInt64
        /// Where the inlined call sits in its caller (DW_AT_call_file/line); -1/0 for functions.
        var callFile: Int32
        var callLine: Int32
        /// The enclosing scope, -1 for a function.
        var parent: Int32
        /// For functions: their inlined calls' ranges in `inlineRanges`.
        var inlines: Range<Int32>
    }

    struct AddressRange {
        var start: UInt64
        var end: UInt64
        var scope: Int32
        /// Nesting depth of an inlined call (1 = inlined straight into the function).
        var depth: Int32
        /// The function an inlined range belongs to (a nested function's inlines sit inside
        /// its parent's slice of `inlineRanges`).
        var function: Int32
    }

    struct LineRow {
        var address: UInt64
        var file: Int32
        var line: Int32
        var endsSequence: Bool
    }

    private(set) var scopes: [Scope] = []
    private(set) var functions: [AddressRange] = []
    private(set) var inlineRanges: [AddressRange] = []
    private(set) var lines: [LineRow] = []

    /// Reads the unit under `unitDIE`, interning names and file paths into `strings`.
    init(unitDIE: Dwarf_Die, strings: inout StringTable) {
        var unit = unitDIE
        var files: OpaquePointer?
        var fileCount = 0
        if dwarf_getsrcfiles(&unit, &files, &fileCount) != 0 { files = nil }
        var paths = SourcePaths(compilationDirectory: Self.compilationDirectory(of: &unit))
        var walker = Walker(files: files, fileCount: fileCount, paths: paths)
        walker.walkChildren(of: &unit, parent: -1, function: -1, depth: 0, into: &self, strings: &strings)
        walker.nameScopes(of: &self, strings: &strings)
        functions.sort { $0.start < $1.start }
        paths = walker.paths
        readLines(unit: &unit, paths: &paths, strings: &strings)
    }

    private static func compilationDirectory(of unit: inout Dwarf_Die) -> String? {
        var attribute = Dwarf_Attribute()
        guard dwarf_attr(&unit, UInt32(DW_AT_comp_dir), &attribute) != nil,
              let text = dwarf_formstring(&attribute) else { return nil }
        return String(cString: text)
    }

    private mutating func readLines(unit: inout Dwarf_Die, paths: inout SourcePaths, strings: inout StringTable) {
        var table: OpaquePointer?
        var count = 0
        guard dwarf_getsrclines(&unit, &table, &count) == 0, let table else { return }
        var rows: [LineRow] = []
        rows.reserveCapacity(count)
        for index in 0..<count {
            guard let line = dwarf_onesrcline(table, index) else { continue }
            var address: Dwarf_Addr = 0
            var number: Int32 = 0
            var ends = false
            guard dwarf_lineaddr(line, &address) == 0, dwarf_lineno(line, &number) == 0,
                  dwarf_lineendsequence(line, &ends) == 0 else { continue }
            var file: Int32 = -1
            if let path = dwarf_linesrc(line, nil, nil) { file = paths.intern(path, into: &strings) }
            rows.append(LineRow(address: address, file: file, line: number, endsSequence: ends))
        }
        // libdw already sorts rows by address with a sequence's end before another sequence's
        // start at the same address; a stable sort keeps that and any order within an address.
        lines = rows.enumerated().sorted { left, right in
            if left.element.address != right.element.address { return left.element.address < right.element.address }
            if left.element.endsSequence != right.element.endsSequence { return left.element.endsSequence }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// The line row for `address`: the last row at or below it, unless that row ends its
    /// sequence (then the address lies between sequences). As libdw's `dwarf_getsrc_die`.
    func line(at address: UInt64) -> LineRow? {
        let low = partitionPoint(0..<lines.count) { lines[$0].address > address }
        guard low > 0 else { return nil }
        let row = lines[low - 1]
        return row.endsSequence || row.line == 0 ? nil : row
    }

    /// The innermost scope holding `address` and its function, or nil outside every function.
    func innermostScope(at address: UInt64) -> Int32? {
        let low = partitionPoint(0..<functions.count) { functions[$0].start > address }
        var candidate = low - 1
        var function: Int32?
        // Nested functions (GNU C) and odd layouts overlap: look back a few ranges.
        while candidate >= 0, candidate >= low - 8 {
            let range = functions[candidate]
            if address < range.end {
                function = range.scope
                break
            }
            candidate -= 1
        }
        guard let function else { return nil }
        var best = function
        var bestDepth: Int32 = 0
        let slice = scopes[Int(function)].inlines
        for index in Int(slice.lowerBound)..<Int(slice.upperBound) {
            let range = inlineRanges[index]
            if range.function == function, range.depth > bestDepth, address >= range.start, address < range.end {
                best = range.scope
                bestDepth = range.depth
            }
        }
        return best
    }

    /// Leaf first: the innermost inlined call (located by the line table), each caller at
    /// its inlined callee's call site, and the function last.
    func frames(at address: UInt64, strings: StringTable) -> [SourceFrame] {
        let leafLine = line(at: address)
        var location: (file: String?, line: Int?) = (leafLine.flatMap { strings.string($0.file) },
                                                    leafLine.map { Int($0.line) })
        guard var scope = innermostScope(at: address) else {
            return leafLine == nil ? [] : [SourceFrame(name: nil, file: location.file, line: location.line, isInlined: false)]
        }
        var frames: [SourceFrame] = []
        while true {
            let current = scopes[Int(scope)]
            frames.append(SourceFrame(name: strings.string(current.name), file: location.file,
                                      line: location.line, isInlined: current.parent >= 0,
                                      isLinkageName: current.isLinkageName,
                                      outOfLineEntry: current.outOfLineEntry == 0 ? nil : current.outOfLineEntry))
            guard current.parent >= 0 else { break }
            location = (strings.string(current.callFile), current.callLine > 0 ? Int(current.callLine) : nil)
            scope = current.parent
        }
        return frames
    }

    fileprivate mutating func addScope(_ scope: Scope) -> Int32 {
        scopes.append(scope)
        return Int32(scopes.count - 1)
    }

    fileprivate mutating func addFunctionRange(_ range: AddressRange) { functions.append(range) }
    fileprivate mutating func addInlineRange(_ range: AddressRange) { inlineRanges.append(range) }
    fileprivate var inlineRangeCount: Int32 { Int32(inlineRanges.count) }
    fileprivate mutating func setInlines(of scope: Int32, _ range: Range<Int32>) { scopes[Int(scope)].inlines = range }
    fileprivate mutating func setLinkageName(of scope: Int32, _ name: Int32) {
        scopes[Int(scope)].name = name
        scopes[Int(scope)].isLinkageName = true
    }
    fileprivate mutating func setName(of scope: Int32, _ name: Int32, entry: UInt64) {
        scopes[Int(scope)].name = name
        scopes[Int(scope)].outOfLineEntry = entry
    }
}

/// The DIE walk behind `CompileUnitIndex`: descends only into DIEs that can hold code.
private struct Walker {
    let files: OpaquePointer?
    let fileCount: Int
    var paths: SourcePaths
    /// The enclosing namespaces and classes while walking, outermost first.
    private var enclosing: [String] = []
    /// The `enclosing::` prefix of every subprogram DIE seen (declarations included), by DIE offset.
    private var prefixes: [Dwarf_Off: String] = [:]
    /// Scopes DWARF names without a linkage name: named once the whole unit is seen, since
    /// a declaration may come after the DIEs that refer to it.
    private var plainScopes: [(scope: Int32, name: String, declaration: Dwarf_Die, origin: Dwarf_Off?, entry: UInt64?)] = []

    init(files: OpaquePointer?, fileCount: Int, paths: SourcePaths) {
        self.files = files
        self.fileCount = fileCount
        self.paths = paths
    }

    mutating func walkChildren(of die: inout Dwarf_Die, parent: Int32, function: Int32, depth: Int32,
                               into index: inout CompileUnitIndex, strings: inout StringTable) {
        var child = Dwarf_Die()
        guard dwarf_child(&die, &child) == 0 else { return }
        while true {
            visit(&child, parent: parent, function: function, depth: depth, into: &index, strings: &strings)
            var next = Dwarf_Die()
            guard dwarf_siblingof(&child, &next) == 0 else { return }
            child = next
        }
    }

    private mutating func visit(_ die: inout Dwarf_Die, parent: Int32, function: Int32, depth: Int32,
                                into index: inout CompileUnitIndex, strings: inout StringTable) {
        switch Int(dwarf_tag(&die)) {
        case DW_TAG_subprogram:
            if !enclosing.isEmpty { prefixes[dwarf_dieoffset(&die)] = enclosing.joined(separator: "::") + "::" }
            let ranges = DwarfDIE.ranges(of: &die)
            // No code: a declaration or the abstract instance of an inlined function.
            guard !ranges.isEmpty else { return }
            let scope = index.addScope(.init(name: -1, isLinkageName: false, outOfLineEntry: 0, callFile: -1,
                                             callLine: 0, parent: -1, inlines: 0..<0))
            name(scope, of: &die, entry: DwarfDIE.entry(of: &die) ?? ranges[0].start, into: &index, strings: &strings)
            for range in ranges {
                index.addFunctionRange(.init(start: range.start, end: range.end, scope: scope, depth: 0, function: scope))
            }
            let first = index.inlineRangeCount
            walkChildren(of: &die, parent: scope, function: scope, depth: 0, into: &index, strings: &strings)
            index.setInlines(of: scope, first..<index.inlineRangeCount)
        case DW_TAG_inlined_subroutine:
            guard function >= 0 else { return }
            let ranges = DwarfDIE.ranges(of: &die)
            guard !ranges.isEmpty else { return }
            let scope = index.addScope(.init(name: -1, isLinkageName: false, outOfLineEntry: 0,
                                             callFile: callFile(of: &die, strings: &strings),
                                             callLine: Self.unsigned(DW_AT_call_line, of: &die).map { Int32(truncatingIfNeeded: $0) } ?? 0,
                                             parent: parent, inlines: 0..<0))
            name(scope, of: &die, entry: nil, into: &index, strings: &strings)
            for range in ranges {
                index.addInlineRange(.init(start: range.start, end: range.end, scope: scope, depth: depth + 1,
                                           function: function))
            }
            walkChildren(of: &die, parent: scope, function: function, depth: depth + 1, into: &index, strings: &strings)
        case DW_TAG_lexical_block, DW_TAG_try_block, DW_TAG_catch_block:
            walkChildren(of: &die, parent: parent, function: function, depth: depth, into: &index, strings: &strings)
        case DW_TAG_namespace, DW_TAG_class_type, DW_TAG_structure_type, DW_TAG_union_type, DW_TAG_module:
            // Member functions defined in a class body; local classes inside functions.
            // A scope named inside a function (a local class, a lambda) has no prefix that
            // reads like the demangler's (`main::{lambda(int, int)#1}`): leave it bare.
            let isLocal = function >= 0
            let scopeName = DwarfDIE.string(DW_AT_name, of: &die)
                ?? (dwarf_tag(&die) == DW_TAG_namespace ? "(anonymous namespace)" : nil)
            let pushed = !isLocal && scopeName != nil
            if pushed, let scopeName { enclosing.append(scopeName) }
            walkChildren(of: &die, parent: -1, function: -1, depth: 0, into: &index, strings: &strings)
            if pushed { enclosing.removeLast() }
        default:
            return
        }
    }

    private mutating func callFile(of die: inout Dwarf_Die, strings: inout StringTable) -> Int32 {
        guard let number = Self.unsigned(DW_AT_call_file, of: &die), let files, Int(number) < fileCount,
              let path = dwarf_filesrc(files, Int(number), nil, nil) else { return -1 }
        return paths.intern(path, into: &strings)
    }

    /// Names `scope` by its linkage (mangled) name where DWARF has one, followed through
    /// DW_AT_abstract_origin and DW_AT_specification. GCC gives none to some functions (a
    /// template instantiated with a lambda: `sort_all<main(int, char**)::<lambda(int, int)> >`),
    /// and then the plain name is qualified once the unit is read (`nameScopes`).
    private mutating func name(_ scope: Int32, of die: inout Dwarf_Die, entry: UInt64?,
                               into index: inout CompileUnitIndex, strings: inout StringTable) {
        var attribute = Dwarf_Attribute()
        for code in [DW_AT_linkage_name, DW_AT_MIPS_linkage_name] {
            if dwarf_attr_integrate(&die, UInt32(code), &attribute) != nil, let text = dwarf_formstring(&attribute) {
                index.setLinkageName(of: scope, strings.intern(text))
                return
            }
        }
        guard dwarf_attr_integrate(&die, UInt32(DW_AT_name), &attribute) != nil,
              let text = dwarf_formstring(&attribute) else { return }
        let origin = DwarfDIE.reference(DW_AT_abstract_origin, of: &die).map { reference in
            var target = reference
            return dwarf_dieoffset(&target)
        }
        plainScopes.append((scope, String(cString: text), DwarfDIE.declaration(of: die), origin, entry))
    }

    /// Qualifies the plain names by the namespaces and classes around their declarations,
    /// and gives inlined calls the entry of an out-of-line instance of the same function.
    mutating func nameScopes(of index: inout CompileUnitIndex, strings: inout StringTable) {
        var entries: [Dwarf_Off: UInt64] = [:]
        for scope in plainScopes {
            if let origin = scope.origin, let entry = scope.entry, entries[origin] == nil { entries[origin] = entry }
        }
        for scope in plainScopes {
            var declaration = scope.declaration
            let prefix = prefixes[dwarf_dieoffset(&declaration)] ?? ""
            let entry = scope.entry ?? scope.origin.flatMap { entries[$0] } ?? 0
            index.setName(of: scope.scope, strings.intern(prefix + scope.name), entry: entry)
        }
    }

    static func unsigned(_ code: Int, of die: inout Dwarf_Die) -> UInt64? {
        var attribute = Dwarf_Attribute()
        var value: Dwarf_Word = 0
        guard dwarf_attr(&die, UInt32(code), &attribute) != nil, dwarf_formudata(&attribute, &value) == 0 else { return nil }
        return value
    }
}

/// Source file paths of one unit made absolute: libdw 0.188 gives clang's DWARF 5 file
/// names relative to the unit's DW_AT_comp_dir (directory entry 0) without joining them.
private struct SourcePaths {
    let compilationDirectory: String?
    private var known: [UnsafePointer<CChar>: Int32] = [:]

    init(compilationDirectory: String?) {
        self.compilationDirectory = compilationDirectory
    }

    mutating func intern(_ pointer: UnsafePointer<CChar>, into strings: inout StringTable) -> Int32 {
        if let number = known[pointer] { return number }
        var path = String(cString: pointer)
        if !path.hasPrefix("/"), let directory = compilationDirectory, !directory.isEmpty {
            path = directory.hasSuffix("/") ? directory + path : directory + "/" + path
        }
        let number = strings.intern(path)
        known[pointer] = number
        return number
    }
}
