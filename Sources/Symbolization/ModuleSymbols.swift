import Profile
import Synchronization

/// Everything known about one mapped file: its ELF symbols (or why they could not be
/// read), its DWARF (from the file itself or a separate debug file) and every lookup done
/// so far, keyed by file offset. Shared by all sessions through `ModuleCache`, so its
/// mutable parts sit behind a lock.
final class ModuleSymbols: Sendable {
    /// One frame of a lookup, before display options apply.
    struct Symbolic: Hashable, Sendable {
        /// As the binary stores it (mangled), without a symbol version.
        var name: String
        /// The full readable name: demangled, without `[clone …]`.
        var readable: String
        /// The short form and clone mark.
        var forms: NameForms
        var file: String?
        var line: Int?
        var isInlined: Bool
    }

    /// What a file offset became: frames leaf first (inlined calls, then the function),
    /// or the `module+0xADDRESS` fallback and why.
    struct Lookup: Sendable {
        var frames: [Symbolic]
        var unresolved: (reason: UnresolvedReason, offset: UInt64)?
        /// Unresolved for now: a debug file is on its way from debuginfod. Not to be memoised.
        var isProvisional = false
        /// For an unresolved address the line table still covers (code without a DWARF function).
        var file: String?
        var line: Int?
        /// For code named by its FDE's function start without a line: the address's offset from it.
        var offsetInFunction: UInt64?
    }

    /// Lookups remembered per module, at most (a few hundred bytes each).
    static let maximumRememberedLookups = 32_768

    /// The basename frames show as their module.
    let name: String
    let symbols: Result<ElfSymbolTable, SymbolizationError>
    /// The separate debug file's path when one was found.
    let debugFile: String?
    /// Where a missing debug file may still come from, by the file's build-id.
    private let debuginfod: (fetcher: DebuginfodFetcher, buildID: String)?
    private let maximumDecompressedDWARFBytes: Int?
    /// Where the file itself can be read, for its call-frame information.
    private let path: String?
    /// Charged for what the module reads later (function bounds, a fetched debug file's symbols).
    private let budget: MemoryBudget?
    private let state: Mutex<State>

    private struct State {
        var debugInfo: DebugInfo?
        var debugSymbols: ElfSymbolTable?
        /// True while debuginfod may still deliver the debug file.
        var awaitsDebugFile = false
        var fetchedDebugFile: String?
        var memo: [UInt64: Lookup] = [:]
        var names: [String: SymbolName] = [:]
        var forms: [SymbolName: NameForms] = [:]
        /// Decided from every symbol name at the first lookup, then fixed.
        var shortNames: ShortNameTable?
        /// nil until first needed; `.none` inside when the file has no call-frame information.
        var bounds: FunctionBoundsIndex??
        /// What this module took from `budget`, given back when it is dropped.
        var chargedBytes = 0
    }

    init(name: String, symbols: Result<ElfSymbolTable, SymbolizationError>, debugInfo: sending DebugInfo? = nil,
         debugFile: String? = nil, debugSymbols: ElfSymbolTable? = nil, path: String? = nil,
         debuginfod: (fetcher: DebuginfodFetcher, buildID: String)? = nil, maximumDecompressedDWARFBytes: Int? = nil,
         budget: MemoryBudget? = nil, chargedBytes: Int = 0) {
        self.name = name
        self.budget = budget
        self.symbols = symbols
        self.debugFile = debugFile
        self.path = path
        self.debuginfod = debuginfod
        self.maximumDecompressedDWARFBytes = maximumDecompressedDWARFBytes
        state = Mutex(State(debugInfo: debugInfo, debugSymbols: debugSymbols, awaitsDebugFile: debuginfod != nil,
                            chargedBytes: chargedBytes))
    }

    deinit {
        budget?.release(state.withLock { $0.chargedBytes }, for: .symbolizer)
    }

    var isLoaded: Bool {
        if case .success = symbols { return true }
        return false
    }

    var hasDebugInfo: Bool { state.withLock { $0.debugInfo != nil } }

    func resolve(fileOffset: UInt64) -> Lookup {
        state.withLock { state in
            adoptFetchedDebugFile(state: &state)
            if let known = state.memo[fileOffset] { return known }
            let lookup = lookUp(fileOffset: fileOffset, state: &state)
            if !lookup.isProvisional {
                // A cache, bounded: a compiler's code gives a new address at every drain.
                if state.memo.count >= Self.maximumRememberedLookups { state.memo.removeAll(keepingCapacity: true) }
                state.memo[fileOffset] = lookup
            }
            return lookup
        }
    }

    /// Looks up an ELF virtual address directly (what `addr2line -e FILE` takes).
    func resolve(virtualAddress: UInt64) -> Lookup {
        state.withLock { state in
            adoptFetchedDebugFile(state: &state)
            return lookUp(virtualAddress: virtualAddress, state: &state)
        }
    }

    /// Indexes all of the DWARF now.
    func indexAll() {
        state.withLock { $0.debugInfo?.indexAll() }
    }

    private func lookUp(fileOffset: UInt64, state: inout State) -> Lookup {
        guard case let .success(table) = symbols else {
            // Without program headers the ELF address is unknown; the file offset is what remains.
            return Lookup(frames: [], unresolved: (.unreadableFile, fileOffset))
        }
        // Name unresolved code by ELF virtual address: what `addr2line -e FILE` takes.
        guard let address = table.virtualAddress(fileOffset: fileOffset) else {
            return Lookup(frames: [], unresolved: (.noSymbols, fileOffset))
        }
        return lookUp(virtualAddress: address, state: &state)
    }

    private func lookUp(virtualAddress address: UInt64, state: inout State) -> Lookup {
        let sourceFrames = state.debugInfo?.frames(at: address) ?? []
        // The ELF symbol is only needed where DWARF has no name: read it at most once.
        var symbolRead = false
        var symbolName: String?
        func symbol() -> String? {
            if !symbolRead {
                symbolRead = true
                symbolName = elfSymbol(at: address, state: state)?.name
            }
            return symbolName
        }
        var frames: [Symbolic] = []
        frames.reserveCapacity(sourceFrames.count)
        for (position, frame) in sourceFrames.enumerated() {
            // The outermost frame may lack a DWARF name (assembly with line info only): the ELF symbol names it.
            let isOutermost = position == sourceFrames.count - 1
            guard var name = frame.name ?? (isOutermost ? symbol() : nil) else { continue }
            // DWARF without a linkage name: an out-of-line instance's symbol has it, and
            // names the function as `nm -C` does (scope, template arguments, parameters).
            if !frame.isLinkageName, let entry = frame.outOfLineEntry, let stored = elfSymbol(at: entry, state: state),
               stored.address == entry, stored.name.hasPrefix("_Z") {
                name = stored.name
            }
            frames.append(symbolic(name, file: frame.file, line: frame.line, isInlined: frame.isInlined, state: &state))
        }
        if frames.isEmpty, let name = symbol() {
            let source = sourceFrames.last
            frames.append(symbolic(name, file: source?.file, line: source?.line, isInlined: false, state: &state))
        }
        if !frames.isEmpty { return Lookup(frames: frames, unresolved: nil) }
        // A file with neither .symtab nor DWARF is stripped: debug files would name it.
        let stripped = state.debugInfo == nil && state.debugSymbols == nil && !((try? symbols.get())?.hasFullSymbolTable ?? false)
        // Without a symbol, the FDE covering the address still tells which function it is in:
        // one name per function, not one per address.
        let function = functionBounds(state: &state)?.function(containing: address)
        let start = function?.lowerBound ?? address
        let line = sourceFrames.last?.line
        // Where lines are shown, the offset stands in for the line such code lacks.
        return Lookup(frames: [], unresolved: (stripped ? .noDebugInfo : .noSymbols, start),
                      isProvisional: state.awaitsDebugFile, file: sourceFrames.last?.file, line: line,
                      offsetInFunction: function != nil && line == nil ? address - start : nil)
    }

    private func elfSymbol(at address: UInt64, state: State) -> ElfSymbolTable.Symbol? {
        state.debugSymbols?.symbol(at: address) ?? (try? symbols.get())?.symbol(at: address)
    }

    /// The debug file debuginfod fetched meanwhile, if any: read now, and the lookups made
    /// without it forgotten. A debug file for another build is not taken.
    private func adoptFetchedDebugFile(state: inout State) {
        guard state.awaitsDebugFile, let debuginfod else { return }
        switch debuginfod.fetcher.status(buildID: debuginfod.buildID) {
        case .pending:
            return
        case .unavailable:
            state.awaitsDebugFile = false
        case let .found(path):
            state.awaitsDebugFile = false
            guard let table = try? ElfSymbolTable(path: path),
                  table.buildIDHex == nil || table.buildIDHex == debuginfod.buildID else { return }
            state.fetchedDebugFile = path
            if table.hasFullSymbolTable {
                state.debugSymbols = table
                budget?.charge(table.byteCount, for: .symbolizer)
                state.chargedBytes += table.byteCount
            }
            // Under the same share as a local debug file: refused, its symbols still name the code.
            if table.hasDebugInfo, let (info, bytes) = DebugInfo.underBudget(
                path: path, maximumDecompressedBytes: maximumDecompressedDWARFBytes, budget: budget) {
                state.debugInfo = info
                state.chargedBytes += bytes
            }
            state.memo.removeAll()
        }
    }

    /// The debug file fetched from debuginfod, once it has arrived.
    var fetchedDebugFile: String? { state.withLock { $0.fetchedDebugFile } }

    private func functionBounds(state: inout State) -> FunctionBoundsIndex? {
        if let known = state.bounds { return known }
        var index = path.flatMap { try? FunctionBoundsIndex(path: $0) }
        // Only names unsymbolized code (one row per function, not per address): without the
        // room for it, such code keeps its addresses.
        if let bounds = index, let budget {
            if budget.reserve(bounds.byteCount, for: .symbolizer) {
                state.chargedBytes += bounds.byteCount
            } else {
                index = nil
            }
        }
        state.bounds = .some(index)
        return index
    }

    private func symbolic(_ stored: String, file: String?, line: Int?, isInlined: Bool, state: inout State) -> Symbolic {
        let name: SymbolName
        if let known = state.names[stored] {
            name = known
        } else {
            name = SymbolName(stored: stored)
            state.names[stored] = name
        }
        let forms: NameForms
        if let known = state.forms[name] {
            forms = known
        } else {
            forms = NameForms(short: shortNames(state: &state).shortName(name.readable), clone: name.clone,
                              systemName: name.raw)
            state.forms[name] = forms
        }
        return Symbolic(name: name.raw, readable: name.readable, forms: forms, file: file, line: line, isInlined: isInlined)
    }

    /// The module's short-name decisions, made once from all its symbols (and its debug file's).
    private func shortNames(state: inout State) -> ShortNameTable {
        if let known = state.shortNames { return known }
        var candidates: [String] = []
        for table in [try? symbols.get(), state.debugSymbols] {
            guard let table else { continue }
            // Itanium and Rust v0 template arguments open with `I` (Itanium ABI, 5.1.5): a
            // name without one has none, and is not demangled here.
            for stored in table.functionNames
            where (stored.hasPrefix("_Z") || stored.hasPrefix("_R")) && stored.utf8.dropFirst(2).contains(UInt8(ascii: "I")) {
                candidates.append(stored)
            }
        }
        // Demangled as the table reads them, not into an array: a compiler's 176,000
        // template symbols demangle to 37 MB of text.
        let table = ShortNameTable(fullNames: candidates.lazy.map { SymbolName(stored: $0).readable })
        state.shortNames = table
        return table
    }
}
