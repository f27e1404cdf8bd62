import FoundationEssentials
import Pprof
import Profile

/// Reads a folded or pprof file for the commands that compare two (`diff`, `view --baseline`), with
/// the errors `view` gives for one.
enum FoldedProfileFile {
    static func read(_ path: String, processRoots: Bool) throws -> StackCounts {
        if PprofFileLoader.isPprof(path) {
            let counts = try PprofFileLoader.read(path, processRoots: processRoots).counts
            guard !counts.isEmpty else { throw CommandFailure("\(path) holds no stacks") }
            return counts
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read (permissions?)" : "does not exist"
            throw CommandFailure("\(path) \(reason)")
        }
        let counts: StackCounts
        do {
            counts = try FoldedReader(options: .init(rootIsProcess: processRoots)).read(utf8: data)
        } catch {
            throw CommandFailure("\(path): \(error.description)\nhint: \(error.hint)")
        }
        guard !counts.isEmpty else { throw CommandFailure("\(path) holds no stacks") }
        return counts
    }

    static func name(of path: String) -> String { URL(fileURLWithPath: path).lastPathComponent }
}
