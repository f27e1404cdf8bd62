import Profile

/// Kernel frames, named from /proc/kallsyms: loaded on the first kernel lookup,
/// or in the background from `preloadKernelSymbols()`.
extension Symbolizer {
    /// Starts reading the kernel's symbols on a thread of its own; the first
    /// kernel frame waits for them.
    public func preloadKernelSymbols() {
        guard kernelSymbols == nil, pendingKernelSymbols == nil else { return }
        pendingKernelSymbols = PendingKernelSymbols(path: kallsymsPath)
    }

    /// Whether kernel symbols are still being read in the background: a kernel lookup now
    /// would wait for them.
    public var kernelSymbolsLoading: Bool {
        kernelSymbols == nil && pendingKernelSymbols?.isFinished == false
    }

    /// Why kernel symbols are missing, once a kernel lookup has tried to load them.
    public var kernelSymbolsError: SymbolizationError? {
        if case let .failure(error) = kernelSymbols { return error }
        return nil
    }

    /// One kernel frame per address, in the order given. Loads kallsyms on first use.
    public func symbolizeKernel(addresses: [UInt64]) -> [Frame] {
        var frames: [Frame] = []
        frames.reserveCapacity(addresses.count)
        for address in addresses {
            var resolution = kernelResolution(address)
            resolution.locate(at: address, in: kernelMapping)
            statistics.count(resolution)
            frames.append(contentsOf: resolution.frames)
        }
        publishIfDue()
        return frames
    }

    /// A kernel address's frames before they are located: remembered per function (the
    /// kernel's text has a bounded number; its addresses, over a long system-wide
    /// session, keep coming), built anew for an unnamed address (its name is the address).
    private func kernelResolution(_ address: UInt64) -> Resolution {
        guard case let .success(symbols)? = kernelSymbols, let start = symbols.symbolStart(at: address) else {
            return resolveKernel(address)
        }
        if let known = kernelMemo[start] { return known }
        let resolution = resolveKernel(address)
        if kernelMemo.count >= Self.maximumRememberedKernelFunctions { kernelMemo.removeAll(keepingCapacity: true) }
        kernelMemo[start] = resolution
        return resolution
    }

    /// The kernel's mapping for exports, `[kernel.kallsyms]` as perf and pprof name it: from
    /// the lowest kernel symbol up, with the build-id from /sys/kernel/notes. Set once
    /// kernel symbols are loaded.
    var kernelMapping: CodeMapping? {
        if let known = kernelCodeMapping { return known }
        guard case let .success(symbols)? = kernelSymbols, let range = symbols.addressRange else { return nil }
        let mapping = CodeMapping(start: range.lowerBound, limit: UInt64.max, fileOffset: 0,
                                  file: CodeMapping.kernelFileName,
                                  buildID: KernelBuildID.read().map(BuildIDText.hex))
        kernelCodeMapping = mapping
        return mapping
    }

    func resolveKernel(_ address: UInt64) -> Resolution {
        if kernelSymbols == nil {
            kernelSymbols = pendingKernelSymbols?.wait()
                ?? Result { () throws(SymbolizationError) in try KernelSymbols.load(path: kallsymsPath) }
            pendingKernelSymbols = nil
        }
        switch kernelSymbols {
        case let .success(symbols)?:
            if let symbol = symbols.symbol(at: address) {
                // GCC clones kernel functions too (`finish_task_switch.isra.0`): one function,
                // the clone kept as a mark, as for user code.
                let name = SymbolName(stored: symbol.name)
                let forms = name.clone.map { NameForms(short: name.readable, clone: $0, systemName: name.raw) }
                return .resolved(Frame(function: name.readable, module: symbol.module.map { "[\($0)]" } ?? "[kernel]",
                                       kind: .kernel, forms: forms))
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
}
