/// Why a frame kept an address-based name instead of a symbol.
public enum UnresolvedReason: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
    /// No mapping of the process holds the address (`[unknown]`).
    case unmapped
    /// The code is mapped, but no symbol covers it: PLT stubs, padding, JIT or anonymous code.
    case noSymbols
    /// The mapped file (or the vdso) could not be opened or parsed.
    case unreadableFile
    /// kallsyms hides kernel addresses from this user.
    case kernelHidden
    /// The file is stripped (no `.symtab`, no DWARF) and no separate debug file was found.
    case noDebugInfo

    public var description: String {
        switch self {
        case .unmapped: return "unmapped"
        case .noSymbols: return "no symbols"
        case .unreadableFile: return "unreadable file"
        case .kernelHidden: return "kernel addresses hidden"
        case .noDebugInfo: return "no debug info"
        }
    }

    /// What the user can do about frames of `module` unresolved for this reason. Only code
    /// seen in an anonymous executable mapping (`[anon]`, `[memfd:…]`) suggests a perf map:
    /// an address in no mapping at all is no JIT code (frame-pointer walks through code
    /// without frame pointers read such addresses off the stack).
    public func hint(module: String) -> String {
        if self != .unmapped, module.hasPrefix("[anon") || module.hasPrefix("[memfd:") {
            return "JIT code? have the runtime write /tmp/perf-PID.map (node --perf-basic-prof, "
                + "JVM perf-map-agent, PYTHONPERFSUPPORT=1)"
        }
        switch self {
        case .unmapped:
            return "addresses in no mapping: a frame-pointer walk through code without frame pointers "
                + "(try --unwind dwarf), or code unmapped before the drain"
        case .noSymbols:
            return "no symbol covers these addresses (PLT stubs, padding or hand-written code)"
        case .unreadableFile:
            return "cannot read \(module): run as root (/proc/PID/map_files needs CAP_SYS_ADMIN)"
        case .kernelHidden:
            return "run as root, or `sysctl kernel.kptr_restrict=0 kernel.perf_event_paranoid=1`"
        case .noDebugInfo:
            return "\(module) is stripped: install its debug symbols (Debian: the -dbgsym or -dbg package) "
                + "or pass --debug-dir with a folder holding .build-id/xx/yyyy.debug"
        }
    }
}
