import Foundation

/// Runs elfutils' `eu-addr2line -f -i` and parses its answer into one chain of
/// (function, file, line) per address, leaf first: the reference the tests and the
/// benchmark compare flametop's DWARF reading with.
public enum Addr2Line {
    public struct Frame: Equatable, Sendable, CustomStringConvertible {
        public var function: String
        public var file: String?
        public var line: Int?

        public init(function: String, file: String?, line: Int?) {
            self.function = function
            self.file = file
            self.line = line
        }

        public var description: String { "\(function) \(file ?? "??"):\(line ?? 0)" }
    }

    /// With `demangle`, `-C` too.
    public static func run(file: String, addresses: [UInt64], demangle: Bool = false,
                           timeout: Double = 600) throws -> [[Frame]] {
        let input = addresses.map { "0x" + String($0, radix: 16) }.joined(separator: "\n") + "\n"
        let result = try Command.run(["eu-addr2line", "-a", "-f", "-i"] + (demangle ? ["-C"] : []) + ["-e", file],
                                     timeout: timeout, input: input)
        guard result.status == 0 else { throw TestFailure("eu-addr2line exited \(result.status): \(result.stderr)") }
        return parse(result.stdout)
    }

    /// Per address a `0x…` line (`-a`), then pairs of lines (function, `file:line[:column]`)
    /// leaf first; the first function may read `NAME inlined at FILE:LINE:COL in CALLER`.
    public static func parse(_ text: String) -> [[Frame]] {
        var chains: [[Frame]] = []
        var pending: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("0x"), pending == nil {
                chains.append([])
                continue
            }
            guard var name = pending else {
                pending = String(line)
                continue
            }
            pending = nil
            if let inlined = name.range(of: " inlined at ") { name = String(name[..<inlined.lowerBound]) }
            let (file, number) = parseLocation(line)
            if chains.isEmpty { chains.append([]) }
            chains[chains.count - 1].append(Frame(function: name, file: file, line: number))
        }
        return chains
    }

    private static func parseLocation(_ text: Substring) -> (String?, Int?) {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false)
        if parts.count >= 3, Int(parts[parts.count - 1]) != nil, Int(parts[parts.count - 2]) != nil {
            parts.removeLast()
        }
        guard parts.count >= 2, let line = Int(parts[parts.count - 1]) else { return (nil, nil) }
        let file = parts.dropLast().joined(separator: ":")
        return file == "??" || line == 0 ? (nil, nil) : (file, line)
    }
}
