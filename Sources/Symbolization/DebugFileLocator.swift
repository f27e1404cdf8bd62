import Glibc

/// Where a stripped binary's separate debug file may be, in the order gdb and elfutils
/// search (gdb manual, "Separate Debug Files"): by build-id under each debug root, then by
/// the `.gnu_debuglink` name next to the binary, in its `.debug` folder, and under each
/// root followed by the binary's directory. For a process in another mount namespace the
/// same places are searched inside its root (`/proc/PID/root`) first.
struct DebugFileLocator {
    static let systemRoot = "/usr/lib/debug"

    /// Roots given by the user (`--debug-dir`), searched before the system's.
    var directories: [String]

    func candidates(buildID: String?, debugLink: String?, binaryPath: String?, processRoot: String?) -> [String] {
        var result: [String] = []
        let prefixes = (processRoot.map { [$0] } ?? []) + [""]
        let roots = directories.map(Self.trimmed) + prefixes.map { $0 + Self.systemRoot }
        if let buildID, buildID.count > 2 {
            let relative = "/.build-id/\(buildID.prefix(2))/\(buildID.dropFirst(2)).debug"
            result += roots.map { $0 + relative }
        }
        if let debugLink, !debugLink.isEmpty, !debugLink.contains("/") {
            let directory = binaryPath.map(Self.directory) ?? ""
            for prefix in prefixes where !directory.isEmpty {
                result.append("\(prefix)\(directory)/\(debugLink)")
                result.append("\(prefix)\(directory)/.debug/\(debugLink)")
            }
            for root in roots {
                if !directory.isEmpty { result.append("\(root)\(directory)/\(debugLink)") }
                result.append("\(root)/\(debugLink)")
            }
        }
        var seen = Set<String>()
        return result.filter { seen.insert($0).inserted }
    }

    private static func directory(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    private static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }
}
