import Profile

/// What is known about one mapped file: its ELF symbols (or why they could not be read)
/// and every lookup done so far, keyed by file offset so that the steady state is one
/// dictionary lookup. The later DWARF layer (lines, inlined frames) slots in here, behind
/// `resolve(fileOffset:)`.
final class ModuleSymbols {
    /// The basename frames show as their module.
    let name: String
    let symbols: Result<ElfSymbolTable, SymbolizationError>
    private var memo: [UInt64: Resolution] = [:]

    init(name: String, symbols: Result<ElfSymbolTable, SymbolizationError>) {
        self.name = name
        self.symbols = symbols
    }

    var isLoaded: Bool {
        if case .success = symbols { return true }
        return false
    }

    func resolve(fileOffset: UInt64) -> Resolution {
        if let known = memo[fileOffset] { return known }
        let resolution = lookUp(fileOffset: fileOffset)
        memo[fileOffset] = resolution
        return resolution
    }

    private func lookUp(fileOffset: UInt64) -> Resolution {
        switch symbols {
        case let .success(table):
            // Name unresolved code by ELF virtual address: what `addr2line -e FILE` takes.
            guard let address = table.virtualAddress(fileOffset: fileOffset) else {
                return .unresolved(.noSymbols, prefix: name, offset: fileOffset, module: name)
            }
            guard let symbol = table.symbol(at: address) else {
                return .unresolved(.noSymbols, prefix: name, offset: address, module: name)
            }
            return .resolved(Frame(function: symbol.name, module: name))
        case .failure:
            // Without program headers the ELF address is unknown; the file offset is what remains.
            return .unresolved(.unreadableFile, prefix: name, offset: fileOffset, module: name)
        }
    }
}
