import Foundation

/// The C programs under Tests/Workloads, built by the tests (and by
/// scripts/bench.sh) into a temporary directory.
public enum Workloads {
    /// Tests/Workloads, found from this file's location in the source tree.
    public static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Workloads").path

    public static func source(_ name: String) -> String { "\(directory)/\(name)" }

    /// Compiles Tests/Workloads/`name`.c to `directory`/`output`.
    @discardableResult
    public static func build(_ name: String, in directory: TemporaryDirectory, output: String? = nil,
                             flags: [String] = ["-O1", "-g", "-fno-omit-frame-pointer"],
                             linkFlags: [String] = []) throws -> String {
        let path = directory.file(output ?? name)
        try Command.check(["gcc"] + flags + ["-I", Self.directory, "-o", path, source("\(name).c")] + linkFlags)
        return path
    }
}

extension Workloads {
    /// Starts a built workload and waits until it prints `ready` (it then runs its
    /// hot loop); the caller terminates it.
    public static func start(_ executable: String, arguments: [String] = []) throws -> RunningProcess {
        let process = try RunningProcess([executable] + arguments)
        guard process.waitForOutput("ready", inStderr: false, timeout: 10) else {
            process.terminate()
            throw TestFailure("\(executable) did not print ready: \(process.stderr)")
        }
        return process
    }
}
