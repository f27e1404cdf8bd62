import Foundation
import Profile

/// Runs `flametop record` and reads back what it wrote.
public struct Recording {
    public let result: CommandResult
    public let counts: StackCounts
    public let outputPath: String

    /// Records with `arguments` (without `record` and `--output`) into `directory`.
    public static func run(_ arguments: [String], in directory: TemporaryDirectory,
                           timeout: Double = 60) throws -> Recording {
        let output = directory.file("out-\(UUID().uuidString.prefix(8)).folded")
        let result = try Command.run([try FlametopBinary.path, "record", "--output", output] + arguments,
                                     timeout: timeout)
        guard result.status == 0, !result.timedOut else {
            throw TestFailure("flametop record \(arguments.joined(separator: " ")) exited \(result.status)\(result.timedOut ? " (timed out)" : "")\nstderr:\n\(result.stderr)")
        }
        let text = try String(contentsOfFile: output, encoding: .utf8)
        return Recording(result: result, counts: try FoldedReader().read(text), outputPath: output)
    }

    /// The names of a stack's frames from `main` on (the part a frame-pointer walk
    /// gets exactly; Debian's libc start code has no frame pointers), or nil
    /// without a `main` frame.
    public static func framesFromMain(_ stack: Stack) -> [String]? {
        guard let index = stack.frames.firstIndex(where: { $0.function == "main" }) else { return nil }
        return stack.frames[index...].map(\.function)
    }

    /// Samples whose leaf frame is `function`.
    public func samples(withLeaf function: String) -> UInt64 {
        counts.counts.reduce(0) { $0 + ($1.key.leaf?.function == function ? $1.value : 0) }
    }

    /// Samples with a frame named `function` anywhere in the stack.
    public func samples(containing function: String) -> UInt64 {
        counts.counts.reduce(0) { $0 + ($1.key.frames.contains { $0.function == function } ? $1.value : 0) }
    }
}
