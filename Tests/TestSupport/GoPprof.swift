import Foundation

/// Go's own pprof tools, the reference consumer of pprof files: `go tool pprof` from
/// Debian's golang-go (`make deps` installs it), and Go programs built on the spot.
public enum GoPprof {
    /// `go` on PATH, or a failure that says how to get it.
    public static func go() throws -> String {
        guard let path = Command.which("go") else {
            throw TestFailure("`go` is not on PATH: install golang-go (`make deps` does)")
        }
        return path
    }

    /// Go keeps caches and pprof's downloads under HOME: inside `directory` they go
    /// when it is removed.
    public static func environment(in directory: TemporaryDirectory) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["GOCACHE"] = directory.file("go-cache")
        environment["GOPATH"] = directory.file("go-path")
        environment["PPROF_TMPDIR"] = directory.path
        environment["GO111MODULE"] = "off"
        return environment
    }

    /// Runs `go tool pprof ARGUMENTS` and returns its standard output.
    public static func pprof(_ arguments: [String], in directory: TemporaryDirectory, timeout: Double = 60) throws -> String {
        try Command.check([try go(), "tool", "pprof"] + arguments, environment: environment(in: directory),
                          timeout: timeout).stdout
    }

    /// One row of `go tool pprof -top`: the function's own (flat) share in percent.
    public struct TopRow: Sendable, Equatable {
        public var name: String
        public var flatPercent: Double
    }

    /// The rows of `-top` output (`flat flat% sum% cum cum% name`), in its order.
    public static func topRows(_ output: String) -> [TopRow] {
        let pattern = #"^\s*\S+\s+(-?[0-9.]+)%\s+-?[0-9.]+%\s+\S+\s+-?[0-9.]+%\s+(.+)$"#
        let regex = try! NSRegularExpression(pattern: pattern)
        return output.split(separator: "\n").compactMap { line in
            let text = String(line)
            let range = NSRange(text.startIndex..., in: text)
            guard let match = regex.firstMatch(in: text, range: range),
                  let percent = Range(match.range(at: 1), in: text), let name = Range(match.range(at: 2), in: text),
                  let value = Double(text[percent]) else { return nil }
            // pprof marks a function reached as an inlined frame `name (inline)`: the function is `name`.
            var function = String(text[name]).trimmingCharacters(in: .whitespaces)
            if function.hasSuffix(" (inline)") { function.removeLast(" (inline)".count) }
            return TopRow(name: function, flatPercent: value)
        }
    }

    /// Builds a Go program from `source` (one `package main` file) into `directory`.
    public static func build(_ source: String, named name: String, in directory: TemporaryDirectory) throws -> String {
        let file = try directory.write("\(name).go", source)
        let binary = directory.file(name)
        try Command.check([try go(), "build", "-o", binary, file], environment: environment(in: directory), timeout: 300)
        return binary
    }
}
