import Glibc
import Profile

/// Reads one mapped file into a `ModuleSymbols`: its ELF symbols, then DWARF from the
/// file itself or from a separate debug file found by build-id or `.gnu_debuglink`.
struct ModuleLoader {
    let locator: DebugFileLocator
    /// See `SymbolizerOptions.maximumDecompressedDWARFBytes`.
    var maximumDecompressedDWARFBytes: Int?
    /// Debug information is indexed only where the symbolizer's share of the
    /// budget has room for it; elsewhere names come from the symbol table.
    var budget: MemoryBudget?
    /// Asked for the debug file when no local folder has it.
    var debuginfod: DebuginfodFetcher? = nil

    /// - Parameters:
    ///   - path: where the file can be read now (maybe /proc/PID/map_files/…).
    ///   - originalPath: the path the process mapped, whose directory `.gnu_debuglink` is relative to.
    ///   - root: the process's root when it is not ours (searched for debug files first).
    func load(path: String, originalPath: String, root: String?, name: String) -> ModuleSymbols {
        let table: ElfSymbolTable
        do {
            table = try ElfSymbolTable(path: path)
        } catch {
            return ModuleSymbols(name: name, symbols: .failure(error))
        }
        // A symbol table is needed to name anything, so it is charged whatever the share;
        // what it costs then leaves less of the share for DWARF. The module gives back what
        // was charged for it when it is dropped.
        budget?.charge(table.byteCount, for: .symbolizer)
        var charged = budget == nil ? 0 : table.byteCount
        if table.hasDebugInfo, let (info, bytes) = debugInfo(path) {
            return ModuleSymbols(name: name, symbols: .success(table), debugInfo: info, path: path, budget: budget,
                                 chargedBytes: charged + bytes)
        }
        for candidate in locator.candidates(buildID: table.buildIDHex, debugLink: table.debugLink,
                                            binaryPath: originalPath, processRoot: root) {
            guard access(candidate, R_OK) == 0, let debugTable = try? ElfSymbolTable(path: candidate) else { continue }
            // A debug file for another build would name the wrong code.
            if let ours = table.buildID, let theirs = debugTable.buildID, ours != theirs { continue }
            let found = debugTable.hasDebugInfo ? debugInfo(candidate) : nil
            guard found != nil || debugTable.hasFullSymbolTable else { continue }
            charged += found?.bytes ?? 0
            if debugTable.hasFullSymbolTable, let budget {
                budget.charge(debugTable.byteCount, for: .symbolizer)
                charged += debugTable.byteCount
            }
            return ModuleSymbols(name: name, symbols: .success(table), debugInfo: found?.info, debugFile: candidate,
                                 debugSymbols: debugTable.hasFullSymbolTable ? debugTable : nil, path: path,
                                 budget: budget, chargedBytes: charged)
        }
        let remote = debuginfod.flatMap { fetcher in table.buildIDHex.map { (fetcher: fetcher, buildID: $0) } }
        return ModuleSymbols(name: name, symbols: .success(table), path: path, debuginfod: remote,
                             maximumDecompressedDWARFBytes: maximumDecompressedDWARFBytes, budget: budget,
                             chargedBytes: charged)
    }

    private func debugInfo(_ path: String) -> (info: DebugInfo, bytes: Int)? {
        DebugInfo.underBudget(path: path, maximumDecompressedBytes: maximumDecompressedDWARFBytes, budget: budget)
    }
}
