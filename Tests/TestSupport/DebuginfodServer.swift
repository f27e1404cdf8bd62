import Foundation

/// Debian's `debuginfod` serving a folder of debug files on 127.0.0.1, started for one test
/// and stopped by `stop()`. Ready once it answers for a given build-id (bounded wait).
public final class DebuginfodServer {
    public let url: String
    private let process: RunningProcess

    /// Serves `folder` (debuginfod -F indexes the ELF files in it) from a database in `state`.
    public init(serving folder: String, state: TemporaryDirectory, readyFor buildID: String, timeout: Double = 20) throws {
        guard let binary = Command.which("debuginfod") else { throw TestFailure("no debuginfod: apt-get install debuginfod") }
        // A port in the dynamic range, from this process's pid: parallel test processes differ.
        var lastError = ""
        for attempt in 0..<5 {
            let port = 20000 + Int((getpid() * 7 + Int32(attempt) * 131) % 20000)
            let server = try RunningProcess([binary, "-F", folder, "-p", "\(port)", "-d", state.file("db-\(port).sqlite"),
                                             "-t", "1"])
            let url = "http://127.0.0.1:\(port)"
            let answers = Wait.until(timeout: timeout, interval: 0.1) {
                let probe = try? Command.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                                              "--max-time", "2", "\(url)/buildid/\(buildID)/debuginfo"], timeout: 5)
                return probe?.stdout == "200" || !server.isRunning
            }
            if answers, server.isRunning {
                self.url = url
                process = server
                return
            }
            lastError = server.stderr
            server.terminate()
        }
        throw TestFailure("debuginfod never served \(buildID): \(lastError)")
    }

    public func stop() {
        process.terminate()
    }
}
