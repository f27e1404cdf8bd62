import Foundation

/// Runs a program to completion with a time limit and captures its output.
public struct CommandResult: Sendable {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    /// True when the process was killed for running past its time limit.
    public let timedOut: Bool
}

public enum Command {
    /// Runs `arguments[0]` (searched in PATH when it has no slash) and waits at most `timeout` seconds.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String]? = nil,
                           timeout: Double = 120, input: String? = nil) throws -> CommandResult {
        let process = try RunningProcess(arguments, environment: environment, input: input)
        return process.wait(timeout: timeout)
    }

    /// Runs a command and throws with its output unless it exits 0.
    @discardableResult
    public static func check(_ arguments: [String], environment: [String: String]? = nil,
                             timeout: Double = 120) throws -> CommandResult {
        let result = try run(arguments, environment: environment, timeout: timeout)
        guard result.status == 0, !result.timedOut else {
            throw TestFailure("""
                \(arguments.joined(separator: " ")) exited \(result.status)\(result.timedOut ? " (timed out)" : "")
                stdout: \(result.stdout)
                stderr: \(result.stderr)
                """)
        }
        return result
    }

    /// The absolute path of a program in PATH, or nil.
    public static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// A child process whose output is collected into files (no pipe can fill up and
/// block it), killed on `terminate()` or when a wait runs out of time.
public final class RunningProcess: @unchecked Sendable {
    public let process = Process()
    private let outputDirectory: TemporaryDirectory
    public var pid: Int32 { process.processIdentifier }

    public init(_ arguments: [String], environment: [String: String]? = nil, input: String? = nil) throws {
        guard let first = arguments.first else { throw TestFailure("empty command") }
        let executable = first.contains("/") ? first : (Command.which(first) ?? first)
        outputDirectory = try TemporaryDirectory(prefix: "flametop-proc")
        _ = FileManager.default.createFile(atPath: outputDirectory.file("out"), contents: nil)
        _ = FileManager.default.createFile(atPath: outputDirectory.file("err"), contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        process.standardOutput = try FileHandle(forWritingTo: outputDirectory.url.appendingPathComponent("out"))
        process.standardError = try FileHandle(forWritingTo: outputDirectory.url.appendingPathComponent("err"))
        if let input {
            let inputPath = try outputDirectory.write("in", input)
            process.standardInput = FileHandle(forReadingAtPath: inputPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
    }

    deinit {
        terminate()
        outputDirectory.remove()
    }

    public var stdout: String { (try? String(contentsOfFile: outputDirectory.file("out"), encoding: .utf8)) ?? "" }
    public var stderr: String { (try? String(contentsOfFile: outputDirectory.file("err"), encoding: .utf8)) ?? "" }
    public var isRunning: Bool { process.isRunning }

    public func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Kills the process (SIGKILL) if it still runs and reaps it.
    public func terminate() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Waits for exit, at most `timeout` seconds; on time-out kills the process.
    public func wait(timeout: Double) -> CommandResult {
        let exited = Wait.until(timeout: timeout) { !self.process.isRunning }
        if !exited { terminate() }
        process.waitUntilExit()
        return CommandResult(status: process.terminationStatus, stdout: stdout, stderr: stderr,
                             timedOut: !exited)
    }

    /// Waits until stderr (or stdout) contains `text`; false on time-out or exit.
    public func waitForOutput(_ text: String, inStderr: Bool = true, timeout: Double) -> Bool {
        Wait.until(timeout: timeout) {
            (inStderr ? self.stderr : self.stdout).contains(text)
        }
    }
}

/// Bounded polling for conditions another process makes true. Polling a condition
/// with a deadline is synchronisation with a clear failure, unlike a bare sleep.
public enum Wait {
    @discardableResult
    public static func until(timeout: Double, interval: Double = 0.02, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(UInt32(interval * 1_000_000))
        }
        return condition()
    }
}
