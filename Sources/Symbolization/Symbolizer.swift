import Glibc
import Profile

/// Turns raw stack addresses into frames, for live processes and the kernel.
///
/// Owned by one thread (the drain loop). Everything read is memoised: maps and frames per
/// process here, symbols and DWARF per file in the `ModuleCache` all symbolizers share, so
/// symbolizing stacks seen before costs dictionary lookups.
public final class Symbolizer {
    public internal(set) var statistics = SymbolizerStatistics()
    public let options: SymbolizerOptions
    /// `statistics` for other threads, refreshed at most every 250 ms and by `publishStatistics`.
    public let statisticsFeed = SymbolizerStatisticsFeed()

    let kallsymsPath: String
    let mapsRefreshInterval: Duration
    private let cache: ModuleCache
    private let locator: DebugFileLocator
    let clock = ContinuousClock()
    private var processes: [Int32: ProcessState] = [:]
    private var modules: [FileKey: ModuleSymbols] = [:]
    /// The GNU build-id (hex) of each mapped file that has one, read with its module.
    private var buildIDs: [FileKey: String] = [:]
    var kernelSymbols: Result<KernelSymbols, SymbolizationError>?
    var pendingKernelSymbols: PendingKernelSymbols?
    /// Where DWARF indexes draw memory from; nil: no limit. Modules loaded under a
    /// budget are cached apart from those loaded without one.
    public var memoryBudget: MemoryBudget?
    /// Kernel functions already named, by their start address (`symbolizeKernel`).
    var kernelMemo: [UInt64: Resolution] = [:]
    static let maximumRememberedKernelFunctions = 16_384
    var kernelCodeMapping: CodeMapping?
    private var lastSweep: ContinuousClock.Instant
    private var lastPublished: ContinuousClock.Instant

    /// - Parameters:
    ///   - kallsymsPath: where kernel symbols come from, read on the first kernel lookup.
    ///   - mapsRefreshInterval: least time between two re-reads of one process's maps (or
    ///     perf map) when an address falls outside what was read (code loaded by `dlopen`).
    ///   - options: inlined frames, demangling, debug file roots.
    ///   - cache: where modules are shared (tests pass their own to start cold).
    public init(kallsymsPath: String = "/proc/kallsyms", mapsRefreshInterval: Duration = .seconds(1),
                options: SymbolizerOptions = SymbolizerOptions(), cache: ModuleCache = .shared) {
        self.kallsymsPath = kallsymsPath
        self.mapsRefreshInterval = mapsRefreshInterval
        self.options = options
        self.cache = cache
        locator = DebugFileLocator(directories: options.debugDirectories)
        lastSweep = clock.now
        lastPublished = clock.now
    }

    /// Publishes the statistics to `statisticsFeed` now.
    public func publishStatistics() {
        lastPublished = clock.now
        statisticsFeed.publish(statistics)
    }

    func publishIfDue() {
        if clock.now - lastPublished >= .milliseconds(250) { publishStatistics() }
    }



    /// Processes whose maps and frames are kept.
    public var trackedProcesses: Int { processes.count }

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
            case .deletedFile: _ = fileSymbols(pid: pid, mapping: mapping, process: process)
            default: break
            }
        }
    }

    /// Drops what is kept for one process (the per-file symbol caches stay).
    public func forget(pid: Int32) {
        processes[pid] = nil
        publishStatistics()
    }

    /// Frames for addresses given leaf first (as `bpf_get_stack` gives them), leaf first:
    /// one frame per address, or more where code was inlined (the inlined calls before the
    /// function they were inlined into).
    public func symbolizeUser(pid: Int32, addresses: [UInt64]) -> [Frame] {
        sweepIfDue()
        let process: ProcessState
        if let known = processes[pid] {
            process = known
        } else {
            process = readProcess(pid: pid)
            processes[pid] = process
        }
        process.goneSince = nil
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
                    var resolved = resolve(address, in: mapping, pid: pid, process: process)
                    resolved.locate(at: address, in: codeMapping(mapping, process: process))
                    resolution = resolved
                    // JIT code not yet in the perf map may be there at the next look, and a
                    // debug file still on its way from debuginfod.
                    if !resolution.isProvisional,
                       resolution.unresolved == nil || mapping.path != nil || mapping.backing == .vdso {
                        process.memo[address] = resolution
                    }
                } else if let name = perfMapName(address, pid: pid, process: process) {
                    resolution = .resolved(Frame(function: name, module: "[perf-map]", address: address))
                } else {
                    // Not memoised: a later re-read of the maps may cover it. Named as perf
                    // names it, without the address: in no mapping, the address means nothing
                    // beside another process's (ASLR), and short-lived processes under --all
                    // made each of their stacks unique. The frame keeps it for pprof.
                    var unmapped = Resolution(frames: [Frame(function: "[unknown]", module: nil)], unresolved: .unmapped, module: nil)
                    unmapped.locate(at: address, in: nil)
                    resolution = unmapped
                }
            }
            statistics.count(resolution)
            frames.append(contentsOf: resolution.frames)
        }
        publishIfDue()
        return frames
    }

    /// Frames (leaf first) for ELF virtual addresses of the file at `path`, as
    /// `addr2line -f -i -e path` takes them: for tools and the benchmark.
    public func symbolizeFile(path: String, addresses: [UInt64]) throws(SymbolizationError) -> [[Frame]] {
        let module = try fileModule(path: path)
        let name = Self.basename(path)
        return addresses.map { address in
            let resolution = frames(for: module.resolve(virtualAddress: address), module: name)
            statistics.count(resolution)
            return resolution.frames
        }
    }

    /// Reads and indexes all debug information of the file at `path` now (what a long
    /// session reaches by use); returns whether it has any.
    @discardableResult
    public func indexDebugInfo(path: String) throws(SymbolizationError) -> Bool {
        let module = try fileModule(path: path)
        module.indexAll()
        return module.hasDebugInfo
    }

    /// The separate debug file used for the file at `path`, if one was found.
    public func debugFile(path: String) throws(SymbolizationError) -> String? {
        try fileModule(path: path).debugFile
    }

    // MARK: - Processes

    private func readProcess(pid: Int32) -> ProcessState {
        statistics.mapsReads += 1
        do {
            return ProcessState(maps: try ProcessMaps.read(pid: pid).executable, lastRead: clock.now,
                                hasExited: false, pid: pid)
        } catch {
            return ProcessState(maps: ProcessMaps(mappings: []), lastRead: clock.now,
                                hasExited: Self.isGone(error), pid: pid)
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
                process.codeMappings.removeAll(keepingCapacity: true)
                process.maps = maps
            }
            return true
        } catch {
            process.hasExited = Self.isGone(error)
            return false
        }
    }

    /// Every few seconds, drops processes found gone at an earlier sweep too: stacks a
    /// drain still holds for a process that just exited keep their names in between.
    private func sweepIfDue() {
        guard clock.now - lastSweep >= .seconds(5) else { return }
        sweepExitedProcesses()
    }

    func sweepExitedProcesses() {
        let now = clock.now
        lastSweep = now
        var removed = false
        for (pid, process) in processes where access("/proc/\(pid)", F_OK) != 0 {
            if process.goneSince != nil {
                processes[pid] = nil
                removed = true
            } else {
                process.goneSince = now
                process.hasExited = true
            }
        }
        if removed { dropUnmappedModules() }
    }

    /// Forgets the files no process still known maps, then lets the shared cache drop
    /// what no other symbolizer holds.
    private func dropUnmappedModules() {
        var mapped = Set<FileKey>()
        for process in processes.values {
            for mapping in process.maps.mappings { mapped.insert(FileKey(mapping)) }
        }
        for key in Array(modules.keys) where key != .vdso && !mapped.contains(key) {
            modules[key] = nil
            buildIDs[key] = nil
        }
        cache.dropUnused()
    }

    private static func isGone(_ error: SymbolizationError) -> Bool {
        switch error {
        case let .cannotOpen(_, code), let .cannotRead(_, code): return code == ENOENT || code == ESRCH
        default: return false
        }
    }

    // MARK: - Resolving

    /// The mapping as exports name it: the path the process maps (or the bracketed
    /// name), with the file's build-id once its module was read.
    private func codeMapping(_ mapping: MemoryMapping, process: ProcessState) -> CodeMapping {
        if let known = process.codeMappings[mapping.start] { return known }
        let buildID: String? = switch mapping.backing {
        case .file, .deletedFile: buildIDs[FileKey(mapping)]
        default: nil
        }
        let code = CodeMapping(start: mapping.start, limit: mapping.end, fileOffset: mapping.fileOffset,
                               file: mapping.path ?? mapping.moduleName, buildID: buildID)
        process.codeMappings[mapping.start] = code
        return code
    }

    private func resolve(_ address: UInt64, in mapping: MemoryMapping, pid: Int32, process: ProcessState) -> Resolution {
        switch mapping.backing {
        case .file, .deletedFile:
            let module = fileSymbols(pid: pid, mapping: mapping, process: process)
            return frames(for: module.resolve(fileOffset: mapping.fileOffset(of: address)), module: mapping.moduleName)
        case .vdso:
            if let vdso = vdsoSymbols(pid: pid, mapping: mapping) {
                return frames(for: vdso.resolve(fileOffset: mapping.fileOffset(of: address)), module: "[vdso]")
            }
            return .unresolved(.unreadableFile, prefix: "[vdso]", offset: address - mapping.start, module: "[vdso]")
        case .memfd, .anonymous, .heap, .stack, .vsyscall, .pseudo:
            if let name = perfMapName(address, pid: pid, process: process) {
                return .resolved(Frame(function: name, module: mapping.moduleName))
            }
            // JIT and other code without a file: the absolute address is all there is.
            return .unresolved(.noSymbols, prefix: mapping.moduleName, offset: address, module: mapping.moduleName)
        }
    }

    /// Applies the display options to a module lookup.
    private func frames(for lookup: ModuleSymbols.Lookup, module: String) -> Resolution {
        if let (reason, offset) = lookup.unresolved {
            var resolution = Resolution.unresolved(reason, prefix: module, offset: offset, module: module)
            resolution.isProvisional = lookup.isProvisional
            resolution.frames[0].sourceFile = lookup.file
            resolution.frames[0].line = lookup.line
            resolution.frames[0].offsetInFunction = lookup.offsetInFunction
            return resolution
        }
        var frames = lookup.frames.map { symbolic in
            Frame(function: options.demangle ? symbolic.readable : symbolic.name, module: module,
                  isInlined: symbolic.isInlined, sourceFile: symbolic.file, line: symbolic.line, forms: symbolic.forms)
        }
        if !options.inlineFrames, frames.count > 1, let function = frames.last {
            frames = [function]
        }
        return .resolved(frames, module: module)
    }

    // MARK: - Files

    /// The module of a mapped file, read on first use through the first path that works:
    /// /proc/PID/map_files/START-END (the very file mapped, deleted or in another mount
    /// namespace; needs CAP_SYS_ADMIN, see proc(5)), then /proc/PID/root/PATH (the
    /// process's own root, for containers), then PATH. The last two must still be the
    /// mapped inode. Failures are kept too: a file unreadable now stays so.
    private func fileSymbols(pid: Int32, mapping: MemoryMapping, process: ProcessState) -> ModuleSymbols {
        let key = FileKey(mapping)
        if let known = modules[key] { return known }
        let path = mapping.path ?? ""
        let candidates: [(path: String, inode: UInt64?)] = [
            ("/proc/\(pid)/map_files/\(String(mapping.start, radix: 16))-\(String(mapping.end, radix: 16))", nil),
            ("/proc/\(pid)/root\(path)", mapping.inode),
            (path, mapping.inode),
        ]
        var firstError: SymbolizationError?
        for candidate in candidates where !candidate.path.isEmpty {
            do {
                let identity = try ModuleIdentity.read(path: candidate.path, expectedInode: candidate.inode)
                if case let .buildID(id, _) = identity { buildIDs[key] = BuildIDText.hex(id) }
                let module = sharedModule(identity: identity, path: candidate.path, originalPath: path,
                                          root: process.root, name: mapping.moduleName)
                modules[key] = module
                return module
            } catch {
                switch error {
                case .cannotOpen, .fileReplaced, .cannotRead:
                    if firstError == nil { firstError = error }
                    continue
                default:
                    firstError = error
                }
                break
            }
        }
        let failed = ModuleSymbols(name: mapping.moduleName,
                                   symbols: .failure(firstError ?? .cannotOpen(path: path, errno: ENOENT)))
        statistics.moduleLoadFailures += 1
        modules[key] = failed
        return failed
    }

    private func fileModule(path: String) throws(SymbolizationError) -> ModuleSymbols {
        let identity = try ModuleIdentity.read(path: path, expectedInode: nil)
        let module = sharedModule(identity: identity, path: path, originalPath: path, root: nil,
                                  name: Self.basename(path))
        if case let .failure(error) = module.symbols { throw error }
        return module
    }

    private func sharedModule(identity: ModuleIdentity, path: String, originalPath: String, root: String?,
                              name: String) -> ModuleSymbols {
        let key = ModuleCache.Key(identity: identity, debugDirectories: options.debugDirectories,
                                  budgeted: memoryBudget != nil, debuginfodURLs: options.debuginfodURLs)
        let (module, loaded) = cache.module(for: key) {
            ModuleLoader(locator: locator, maximumDecompressedDWARFBytes: options.maximumDecompressedDWARFBytes,
                         budget: memoryBudget,
                         debuginfod: options.debuginfodURLs.map {
                             DebuginfodFetcher.shared(urls: $0, cachePath: options.debuginfodCachePath) })
                .load(path: path, originalPath: originalPath, root: root, name: name)
        }
        if loaded {
            if module.isLoaded { statistics.modulesLoaded += 1 } else { statistics.moduleLoadFailures += 1 }
            if module.debugFile != nil { statistics.debugFilesFound += 1 }
        }
        return module
    }

    /// The vdso's symbols, copied out of the process's memory (the kernel has no file for
    /// it). Only a success is kept: another process may still be readable.
    private func vdsoSymbols(pid: Int32, mapping: MemoryMapping) -> ModuleSymbols? {
        if let known = modules[.vdso] { return known }
        do {
            let image = try ProcFile.readMemory(pid: pid, address: mapping.start, count: Int(mapping.end - mapping.start))
            let table = try ElfSymbolTable(image: image, name: "[vdso] of pid \(pid)")
            let module = ModuleSymbols(name: "[vdso]", symbols: .success(table))
            statistics.modulesLoaded += 1
            modules[.vdso] = module
            return module
        } catch {
            statistics.moduleLoadFailures += 1
            return nil
        }
    }

    static func basename(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }
}
