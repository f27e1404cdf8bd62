import Glibc
import Profile

/// Turns raw stack addresses into frames, for live processes and the kernel.
///
/// Owned by one thread (the drain loop): it is a cache, not a shared service. Everything
/// read is memoised (maps per process, symbols per file, frames per address), so
/// symbolizing stacks seen before costs dictionary lookups.
public final class Symbolizer {
    public private(set) var statistics = SymbolizerStatistics()

    private let kallsymsPath: String
    private let mapsRefreshInterval: Duration
    private let clock = ContinuousClock()
    private var processes: [Int32: ProcessState] = [:]
    private var modules: [FileKey: ModuleSymbols] = [:]
    private var kernelSymbols: Result<KernelSymbols, SymbolizationError>?
    private var kernelMemo: [UInt64: Resolution] = [:]

    /// - Parameters:
    ///   - kallsymsPath: where kernel symbols come from, read on the first kernel lookup.
    ///   - mapsRefreshInterval: least time between two re-reads of one process's maps
    ///     when an address falls outside every mapping (code loaded by `dlopen`).
    public init(kallsymsPath: String = "/proc/kallsyms", mapsRefreshInterval: Duration = .seconds(1)) {
        self.kallsymsPath = kallsymsPath
        self.mapsRefreshInterval = mapsRefreshInterval
    }

    /// Why kernel symbols are missing, once a kernel lookup has tried to load them.
    public var kernelSymbolsError: SymbolizationError? {
        if case let .failure(error) = kernelSymbols { return error }
        return nil
    }

    /// Reads the process's maps now, and the files that could vanish with it (the vdso,
    /// deleted binaries), so its addresses still resolve after it exits.
    public func prepare(pid: Int32) {
        let process: ProcessState
        if let known = processes[pid] {
            process = known
            refreshMaps(process, pid: pid)
        } else {
            process = readProcess(pid: pid)
            processes[pid] = process
        }
        for mapping in process.maps.mappings {
            switch mapping.backing {
            case .vdso: _ = vdsoSymbols(pid: pid, mapping: mapping)
            case .deletedFile: _ = fileSymbols(pid: pid, mapping: mapping)
            default: break
            }
        }
    }

    /// Drops what is kept for one process (the per-file symbol caches stay).
    public func forget(pid: Int32) {
        processes[pid] = nil
    }

    /// One frame per address, in the order given (leaf first, as `bpf_get_stackid` gives them).
    public func symbolizeUser(pid: Int32, addresses: [UInt64]) -> [Frame] {
        let process: ProcessState
        if let known = processes[pid] {
            process = known
        } else {
            process = readProcess(pid: pid)
            processes[pid] = process
        }
        var frames: [Frame] = []
        frames.reserveCapacity(addresses.count)
        var refreshed = false
        for address in addresses {
            let resolution: Resolution
            if let known = process.memo[address] {
                resolution = known
            } else {
                var mapping = process.maps.mapping(containing: address)
                if mapping == nil, !refreshed {
                    refreshed = true
                    if refreshMaps(process, pid: pid) { mapping = process.maps.mapping(containing: address) }
                }
                if let mapping {
                    resolution = resolve(address, in: mapping, pid: pid)
                    process.memo[address] = resolution
                } else {
                    // Not memoised: a later re-read of the maps may cover it.
                    resolution = .unresolved(.unmapped, prefix: "[unknown]", offset: address, module: nil)
                }
            }
            statistics.count(resolution)
            frames.append(resolution.frame)
        }
        return frames
    }

    /// One kernel frame per address, in the order given. Loads kallsyms on first use.
    public func symbolizeKernel(addresses: [UInt64]) -> [Frame] {
        var frames: [Frame] = []
        frames.reserveCapacity(addresses.count)
        for address in addresses {
            let resolution: Resolution
            if let known = kernelMemo[address] {
                resolution = known
            } else {
                resolution = resolveKernel(address)
                kernelMemo[address] = resolution
            }
            statistics.count(resolution)
            frames.append(resolution.frame)
        }
        return frames
    }

    // MARK: - Processes

    private func readProcess(pid: Int32) -> ProcessState {
        statistics.mapsReads += 1
        do {
            return ProcessState(maps: try ProcessMaps.read(pid: pid).executable, lastRead: clock.now, hasExited: false)
        } catch {
            return ProcessState(maps: ProcessMaps(mappings: []), lastRead: clock.now, hasExited: Self.isGone(error))
        }
    }

    /// Re-reads the maps unless the process exited or was read less than the refresh
    /// interval ago. Returns true when it read them.
    @discardableResult
    private func refreshMaps(_ process: ProcessState, pid: Int32) -> Bool {
        let now = clock.now
        guard !process.hasExited, now - process.lastRead >= mapsRefreshInterval else { return false }
        process.lastRead = now
        statistics.mapsReads += 1
        do {
            let maps = try ProcessMaps.read(pid: pid).executable
            if maps.mappings != process.maps.mappings {
                // A range may now hold other code (dlclose, then dlopen at the same place).
                process.memo.removeAll(keepingCapacity: true)
                process.maps = maps
            }
            return true
        } catch {
            process.hasExited = Self.isGone(error)
            return false
        }
    }

    private static func isGone(_ error: SymbolizationError) -> Bool {
        switch error {
        case let .cannotOpen(_, code), let .cannotRead(_, code): return code == ENOENT || code == ESRCH
        default: return false
        }
    }

    // MARK: - Resolving

    private func resolve(_ address: UInt64, in mapping: MemoryMapping, pid: Int32) -> Resolution {
        switch mapping.backing {
        case .file, .deletedFile:
            return fileSymbols(pid: pid, mapping: mapping).resolve(fileOffset: mapping.fileOffset(of: address))
        case .vdso:
            if let vdso = vdsoSymbols(pid: pid, mapping: mapping) {
                return vdso.resolve(fileOffset: mapping.fileOffset(of: address))
            }
            return .unresolved(.unreadableFile, prefix: "[vdso]", offset: address - mapping.start, module: "[vdso]")
        case .memfd, .anonymous, .heap, .stack, .vsyscall, .pseudo:
            // JIT and other code without a file: the absolute address is all there is.
            return .unresolved(.noSymbols, prefix: mapping.moduleName, offset: address, module: mapping.moduleName)
        }
    }

    private func resolveKernel(_ address: UInt64) -> Resolution {
        if kernelSymbols == nil {
            kernelSymbols = Result { () throws(SymbolizationError) in try KernelSymbols.load(path: kallsymsPath) }
        }
        switch kernelSymbols {
        case let .success(symbols)?:
            if let symbol = symbols.symbol(at: address) {
                return .resolved(Frame(function: symbol.name, module: symbol.module.map { "[\($0)]" } ?? "[kernel]",
                                       kind: .kernel))
            }
            return .unresolved(.noSymbols, prefix: "[kernel]", offset: address, module: "[kernel]", kind: .kernel)
        case let .failure(error)?:
            let reason: UnresolvedReason
            if case .kernelAddressesHidden = error { reason = .kernelHidden } else { reason = .unreadableFile }
            return .unresolved(reason, prefix: "[kernel]", offset: address, module: "[kernel]", kind: .kernel)
        case nil:
            return .unresolved(.unreadableFile, prefix: "[kernel]", offset: address, module: "[kernel]", kind: .kernel)
        }
    }

    // MARK: - Files

    /// The symbols of a mapped file, read on first use through the first path that works:
    /// /proc/PID/map_files/START-END (the very file mapped, deleted or in another mount
    /// namespace; needs CAP_SYS_ADMIN, see proc(5)), then /proc/PID/root/PATH (the
    /// process's own root, for containers), then PATH. The last two must still be the
    /// mapped inode. Failures are cached too: a file unreadable now stays so.
    private func fileSymbols(pid: Int32, mapping: MemoryMapping) -> ModuleSymbols {
        let key = FileKey(mapping)
        if let known = modules[key] { return known }
        let path = mapping.path ?? ""
        let candidates: [(path: String, inode: UInt64?)] = [
            ("/proc/\(pid)/map_files/\(String(mapping.start, radix: 16))-\(String(mapping.end, radix: 16))", nil),
            ("/proc/\(pid)/root\(path)", mapping.inode),
            (path, mapping.inode),
        ]
        var firstError: SymbolizationError?
        var symbols: Result<ElfSymbolTable, SymbolizationError>?
        for candidate in candidates where !candidate.path.isEmpty {
            do {
                symbols = .success(try ElfSymbolTable(path: candidate.path, expectedInode: candidate.inode))
                break
            } catch {
                switch error {
                case .cannotOpen, .fileReplaced:
                    if firstError == nil { firstError = error }
                    continue
                default:
                    // The file opened but is not usable ELF: other paths lead to the same bytes.
                    symbols = .failure(error)
                }
                break
            }
        }
        let result = symbols ?? .failure(firstError ?? .cannotOpen(path: path, errno: ENOENT))
        return remember(ModuleSymbols(name: mapping.moduleName, symbols: result), as: key)
    }

    /// The vdso's symbols, copied out of the process's memory (the kernel has no file for
    /// it). Only a success is cached: another process may still be readable.
    private func vdsoSymbols(pid: Int32, mapping: MemoryMapping) -> ModuleSymbols? {
        if let known = modules[.vdso] { return known }
        do {
            let image = try ProcFile.readMemory(pid: pid, address: mapping.start, count: Int(mapping.end - mapping.start))
            let table = try ElfSymbolTable(image: image, name: "[vdso] of pid \(pid)")
            return remember(ModuleSymbols(name: "[vdso]", symbols: .success(table)), as: .vdso)
        } catch {
            statistics.moduleLoadFailures += 1
            return nil
        }
    }

    private func remember(_ module: ModuleSymbols, as key: FileKey) -> ModuleSymbols {
        if module.isLoaded { statistics.modulesLoaded += 1 } else { statistics.moduleLoadFailures += 1 }
        modules[key] = module
        return module
    }
}
