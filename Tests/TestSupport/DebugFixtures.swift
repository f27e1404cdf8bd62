import Foundation

/// Binaries with known inlining and lines, built by the tests: gcc and clang `-O2 -g`
/// builds of Tests/Workloads/inline_chain.c, stripped copies with their debug files in a
/// build-id tree or behind `.gnu_debuglink`.
public enum DebugFixtures {
    public static let clang = "/opt/swift/usr/bin/clang"
    public static let flags = ["-O2", "-g", "-fno-omit-frame-pointer"]

    /// The absolute path of `Tests/Workloads/NAME` (`#filePath` may be relative): what the
    /// compiler records, and so what DWARF gives back.
    public static func source(_ name: String = "inline_chain.c") -> String {
        URL(fileURLWithPath: Workloads.source(name)).standardizedFileURL.path
    }

    /// The line of `Tests/Workloads/NAME` holding `MARK:mark`.
    public static func line(of mark: String, in name: String = "inline_chain.c") throws -> Int {
        let text = try String(contentsOfFile: Workloads.source(name), encoding: .utf8)
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
        where line.contains("MARK:\(mark) ") || line.hasSuffix("MARK:\(mark)") {
            return number + 1
        }
        throw TestFailure("no MARK:\(mark) in \(name)")
    }

    /// Builds inline_chain.c with `compiler` (gcc or clang) into `directory`/`output`.
    public static func buildInlineChain(compiler: String, in directory: TemporaryDirectory,
                                        output: String, extraFlags: [String] = []) throws -> String {
        let path = directory.file(output)
        try Command.check([compiler] + flags + extraFlags + ["-Wl,--build-id", "-o", path,
                                                             source("inline_chain.c")])
        return path
    }

    /// The build-id of an ELF file as hex, read with `readelf -n`.
    public static func buildID(of path: String) throws -> String {
        let output = try Command.check(["readelf", "-n", path]).stdout
        guard let line = output.split(separator: "\n").first(where: { $0.contains("Build ID:") }),
              let id = line.split(separator: " ").last else { throw TestFailure("\(path) has no build-id") }
        return String(id)
    }

    /// Splits `binary` into a fully stripped `strippedName` and its debug file placed under
    /// `debugRoot/.build-id/xx/yyyy.debug`; returns the stripped path.
    public static func stripWithBuildIDDebugFile(_ binary: String, in directory: TemporaryDirectory,
                                                 strippedName: String, debugRoot: String) throws -> String {
        let id = try buildID(of: binary)
        let folder = "\(debugRoot)/.build-id/\(id.prefix(2))"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Command.check(["objcopy", "--only-keep-debug", binary, "\(folder)/\(id.dropFirst(2)).debug"])
        let stripped = directory.file(strippedName)
        try Command.check(["strip", "--strip-all", "-o", stripped, binary])
        return stripped
    }

    /// A fully stripped `strippedName` whose `.gnu_debuglink` names `strippedName.debug`,
    /// kept in the `.debug` folder next to it; returns the stripped path.
    public static func stripWithDebugLink(_ binary: String, in directory: TemporaryDirectory,
                                          strippedName: String) throws -> String {
        let debugFolder = directory.file(".debug")
        try FileManager.default.createDirectory(atPath: debugFolder, withIntermediateDirectories: true)
        let debugFile = "\(debugFolder)/\(strippedName).debug"
        try Command.check(["objcopy", "--only-keep-debug", binary, debugFile])
        let stripped = directory.file(strippedName)
        try Command.check(["strip", "--strip-all", "-o", stripped, binary])
        try Command.check(["objcopy", "--add-gnu-debuglink=\(debugFile)", stripped])
        return stripped
    }

    /// The `[start, end)` ELF addresses of a function symbol, from `nm -S`.
    /// With `prefix`, the first symbol starting with `symbol` (GCC's `.isra.0` clones).
    public static func functionRange(_ symbol: String, in file: String, prefix: Bool = false) throws -> Range<UInt64> {
        let output = try Command.check(["nm", "-S", file]).stdout
        for line in output.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 4, prefix ? fields[3].hasPrefix(symbol) : fields[3] == symbol, let start = UInt64(fields[0], radix: 16),
               let size = UInt64(fields[1], radix: 16) {
                return start..<(start + size)
            }
        }
        throw TestFailure("nm -S \(file) lists no \(symbol)")
    }
}
