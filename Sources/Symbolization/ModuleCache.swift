import Synchronization

/// Modules (ELF symbols, DWARF indexes, lookups) shared by every `Symbolizer` of the
/// process, keyed by file identity: a second session, or a second process mapping the
/// same library, reuses what the first one read.
public final class ModuleCache: Sendable {
    public static let shared = ModuleCache()

    struct Key: Hashable, Sendable {
        var identity: ModuleIdentity
        /// Another set of debug roots may find another debug file.
        var debugDirectories: [String]
        /// Loaded under a memory budget: its DWARF may have been left out.
        var budgeted = false
        /// So do debuginfod servers.
        var debuginfodURLs: String? = nil
    }

    private let modules = Mutex<[Key: ModuleSymbols]>([:])

    public init() {}

    public var count: Int { modules.withLock { $0.count } }

    /// Drops every module (their memory goes once no symbolizer holds them).
    public func removeAll() {
        modules.withLock { $0.removeAll() }
    }

    /// Drops the modules no symbolizer holds any more (every process mapping them has
    /// exited and been swept): a build host's compilers and linkers come and go, and their
    /// symbol tables would stay for the session. Their budget charges go with them.
    /// Returns how many were dropped.
    @discardableResult
    public func dropUnused() -> Int {
        modules.withLock { modules in
            var dropped = 0
            for key in Array(modules.keys) where isKnownUniquelyReferenced(&modules[key]!) {
                modules[key] = nil
                dropped += 1
            }
            return dropped
        }
    }

    /// The cached module, or the one `load` makes (outside the lock: loading reads files).
    /// Returns whether it was loaded now.
    func module(for key: Key, load: () -> ModuleSymbols) -> (module: ModuleSymbols, loaded: Bool) {
        if let known = modules.withLock({ $0[key] }) { return (known, false) }
        let loaded = load()
        let kept = modules.withLock { modules in
            if let raced = modules[key] { return raced }
            modules[key] = loaded
            return loaded
        }
        return (kept, kept === loaded)
    }
}
