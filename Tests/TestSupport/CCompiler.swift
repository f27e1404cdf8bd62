import Foundation

/// Builds C test workloads and fixtures with the system gcc (or clang).
public enum CCompiler {
    /// Compiles `source` (C text) to `output` with `flags` (before the source) and
    /// `linkFlags` (after it, where libraries must go); returns the output path.
    @discardableResult
    public static func build(source: String, in directory: TemporaryDirectory, name: String,
                             flags: [String] = ["-O1", "-fno-omit-frame-pointer"],
                             linkFlags: [String] = [],
                             compiler: String = "gcc") throws -> String {
        let sourcePath = try directory.write("\(name).c", source)
        let output = directory.file(name)
        try Command.check([compiler] + flags + ["-o", output, sourcePath] + linkFlags)
        return output
    }
}
