import Synchronization

/// Everything known about one mapped file: its ELF symbols (or why they could not be
/// read), its DWARF (from the file itself or a separate debug file) and every lookup done
/// so far, keyed by file offset. Shared by all sessions through `ModuleCache`, so its
/// mutable parts sit behind a lock.
final class ModuleSymbols: Sendable {
    /// One frame of a lookup, before display options apply.
    struct Symbolic: Hashable, Sendable {
        var name: String
        /// The readable form of a mangled `name`.
        var demangled: String?
        var file: String?
        var line: Int?
        var isInlined: Bool
    }

    /// What a file offset became: frames leaf first (inlined calls, then the function),
    /// or the `module+0xADDRESS` fallback and why.
    struct Lookup: Sendable {
        var frames: [Symbolic]
        var unresolved: (reason: UnresolvedReason, offset: UInt64)?
        /// For an unresolved address the line table still covers (code without a DWARF function).
        var file: String?
        var line: Int?
    }

    /// The basename frames show as their module.
    let name: String
    let symbols: Result<ElfSymbolTable, SymbolizationError>
    /// The separate debug file's path when one was found.
    let debugFile: String?
    private let debugSymbols: ElfSymbolTable?
    private let state: Mutex<State>

    private struct State {
        var debugInfo: DebugInfo?
        var memo: [UInt64: Lookup] = [:]
        var demangled: [String: String?] = [:]
    }

    init(name: String, symbols: Result<ElfSymbolTable, SymbolizationError>, debugInfo: sending DebugInfo? = nil,
         debugFile: String? = nil, debugSymbols: ElfSymbolTable? = nil) {
        self.name = name
        self.symbols = symbols
        self.debugFile = debugFile
        self.debugSymbols = debugSymbols
        state = Mutex(State(debugInfo: debugInfo))
    }

    var isLoaded: Bool {
        if case .success = symbols { return true }
        return false
    }

    var hasDebugInfo: Bool { state.withLock { $0.debugInfo != nil } }

    func resolve(fileOffset: UInt64) -> Lookup {
        state.withLock { state in
            if let known = state.memo[fileOffset] { return known }
            let lookup = lookUp(fileOffset: fileOffset, state: &state)
            state.memo[fileOffset] = lookup
            return lookup
        }
    }

    /// Looks up an ELF virtual address directly (what `addr2line -e FILE` takes).
    func resolve(virtualAddress: UInt64) -> Lookup {
        state.withLock { state in lookUp(virtualAddress: virtualAddress, state: &state) }
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
                symbolName = (debugSymbols?.symbol(at: address) ?? (try? symbols.get())?.symbol(at: address))?.name
            }
            return symbolName
        }
        var frames: [Symbolic] = []
        frames.reserveCapacity(sourceFrames.count)
        for (position, frame) in sourceFrames.enumerated() {
            // The outermost frame may lack a DWARF name (assembly with line info only): the ELF symbol names it.
            let isOutermost = position == sourceFrames.count - 1
            guard let name = frame.name ?? (isOutermost ? symbol() : nil) else { continue }
            frames.append(Symbolic(name: name, demangled: demangled(name, state: &state), file: frame.file,
                                   line: frame.line, isInlined: frame.isInlined))
        }
        if frames.isEmpty, let name = symbol() {
            let source = sourceFrames.last
            frames.append(Symbolic(name: name, demangled: demangled(name, state: &state),
                                   file: source?.file, line: source?.line, isInlined: false))
        }
        if !frames.isEmpty { return Lookup(frames: frames, unresolved: nil) }
        // A file with neither .symtab nor DWARF is stripped: debug files would name it.
        let stripped = state.debugInfo == nil && debugSymbols == nil && !((try? symbols.get())?.hasFullSymbolTable ?? false)
        return Lookup(frames: [], unresolved: (stripped ? .noDebugInfo : .noSymbols, address),
                      file: sourceFrames.last?.file, line: sourceFrames.last?.line)
    }

    private func demangled(_ name: String, state: inout State) -> String? {
        if let known = state.demangled[name] { return known }
        let text = Demangler.demangle(name)
        state.demangled[name] = text
        return text
    }
}
