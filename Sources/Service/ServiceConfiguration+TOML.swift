import FoundationEssentials
import Glibc
import PlatformSupport
import Sampling
import TOMLKit

extension ServiceConfiguration {
    /// Reads profiler.toml. Every key is optional (the default applies); an unknown
    /// section or key, a value of the wrong type or out of range is an error naming
    /// the key. Relative file paths are taken relative to `baseDirectory` (the
    /// config file's directory).
    public static func parse(toml text: String, source: String = "profiler.toml",
                             baseDirectory: String? = nil) throws(ConfigurationError) -> ServiceConfiguration {
        if let line = headerWithoutKey(in: text) {
            throw ConfigurationError(key: source, message: "line \(line): a table header needs a name, like [server]",
                                     hint: "the sections are \(Self.sectionList)")
        }
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(key: source, message: "\(error.description) at \(error.source.begin.debugDescription)")
        } catch {
            throw ConfigurationError(key: source, message: "not valid TOML: \(error)")
        }
        var configuration = ServiceConfiguration()
        var reader = TableReader(base: baseDirectory)
        let sectionList = Self.sectionList
        for key in root.keys.sorted() {
            if key == "trigger" {
                // [[trigger]]: an array of tables, read once the limits they are checked against are known.
                continue
            }
            guard Self.sections.contains(key) else {
                throw ConfigurationError(key: key, message: "unknown section or key", hint: "the sections are \(sectionList)")
            }
            guard let section = root[key]?.table else {
                throw ConfigurationError(key: key, message: "must be a table ([\(key)])", hint: "the sections are \(sectionList)")
            }
            switch key {
            case "server": try reader.read(section, key, into: &configuration.server)
            case "grpc_tls": try reader.read(section, key, into: &configuration.tls)
            case "http": try reader.read(section, key, into: &configuration.http)
            case "symbols": try reader.read(section, key, into: &configuration.symbols)
            case "trigger_history": try reader.read(section, key, into: &configuration.triggerHistory)
            default: try reader.read(section, key, into: &configuration.profiler)
            }
        }
        if let triggers = root["trigger"] {
            configuration.triggers = try reader.readTriggers(triggers, limits: configuration.profiler)
        }
        return configuration
    }

    /// Reads the file at `path` (relative paths inside it are relative to the file).
    public static func load(path: String) throws(ConfigurationError) -> ServiceConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(key: path, message: "cannot read the configuration file (\(Self.reason(error)))",
                                     hint: "`flametop generate-config > \(path)` writes a commented example")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(toml: text, source: path, baseDirectory: directory)
    }

    static let sections = ["server", "grpc_tls", "profiler", "http", "symbols", "trigger", "trigger_history"]

    /// "[server], …, [[trigger]]" for hints.
    static var sectionList: String {
        sections.map { $0 == "trigger" ? "[[trigger]]" : "[\($0)]" }.joined(separator: ", ")
    }

    /// The first line (1-based) holding a `[` or `[[` header whose key starts with neither
    /// a bare-key character nor a quote. toml++ (TOMLKit 0.6, toml.hpp:15481) asserts on
    /// such a header and aborts the process (`[` alone on a line did it: found by
    /// ConfigurationFuzzTests), so it never gets to see one. No key of ours takes an array,
    /// so a line of a multi-line array refused here was an error anyway.
    static func headerWithoutKey(in text: String) -> Int? {
        let quotes: Set<UInt8> = [UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "]")]
        func isBareKey(_ byte: UInt8) -> Bool {
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
                || byte == UInt8(ascii: "-")
        }
        for (number, line) in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            var rest = line.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard rest.first == UInt8(ascii: "[") else { continue }
            rest = rest.dropFirst()
            if rest.first == UInt8(ascii: "[") { rest = rest.dropFirst() }
            rest = rest.drop { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
            guard let first = rest.first, isBareKey(first) || quotes.contains(first) else { return number + 1 }
        }
        return nil
    }

    private static func reason(_ error: Error) -> String {
        FileErrorReason.of(error)
    }
}

/// Reads one section's keys with type and range checks.
struct TableReader {
    let base: String?

    mutating func read(_ table: TOMLTable, _ section: String,
                       into server: inout ServiceConfiguration.Server) throws(ConfigurationError) {
        typealias L = ServiceConfiguration.Limits
        try forEachKey(table, section, known: ["bind_address", "port", "shutdown_grace_seconds"]) { key, value throws(ConfigurationError) in
            switch key {
            case "bind_address": server.bindAddress = try string(value, "\(section).\(key)")
            case "port": server.port = try integer(value, "\(section).\(key)", in: L.port)
            default: server.shutdownGraceSeconds = try integer(value, "\(section).\(key)", in: L.shutdownGraceSeconds)
            }
        }
    }

    mutating func read(_ table: TOMLTable, _ section: String,
                       into http: inout ServiceConfiguration.HTTP) throws(ConfigurationError) {
        typealias L = ServiceConfiguration.Limits
        try forEachKey(table, section, known: ["bind_address", "port"]) { key, value throws(ConfigurationError) in
            switch key {
            case "bind_address": http.bindAddress = try string(value, "\(section).\(key)")
            default: http.port = try integer(value, "\(section).\(key)", in: L.port)
            }
        }
    }

    mutating func read(_ table: TOMLTable, _ section: String,
                       into tls: inout ServiceConfiguration.TLS) throws(ConfigurationError) {
        try forEachKey(table, section, known: ["cert_file", "key_file", "ca_file"]) { key, value throws(ConfigurationError) in
            let path = resolved(try string(value, "\(section).\(key)"))
            switch key {
            case "cert_file": tls.certFile = path
            case "key_file": tls.keyFile = path
            default: tls.caFile = path
            }
        }
    }

    mutating func read(_ table: TOMLTable, _ section: String,
                       into symbols: inout ServiceConfiguration.Symbols) throws(ConfigurationError) {
        try forEachKey(table, section, known: ["debug_dirs", "debuginfod_urls", "debuginfod_cache"]) { key, value throws(ConfigurationError) in
            let name = "\(section).\(key)"
            switch key {
            case "debug_dirs": symbols.debugDirectories = try strings(value, name).map(resolved)
            case "debuginfod_urls":
                symbols.debuginfodURLs = try strings(value, name)
                for url in symbols.debuginfodURLs where !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
                    throw ConfigurationError(key: name, message: "\"\(ClientEcho.bounded(url))\" is not an http:// or https:// URL")
                }
            default: symbols.debuginfodCachePath = resolved(try string(value, name))
            }
        }
    }

    mutating func read(_ table: TOMLTable, _ section: String,
                       into history: inout ServiceConfiguration.TriggerHistory) throws(ConfigurationError) {
        typealias L = ServiceConfiguration.Limits
        try forEachKey(table, section, known: ["hz", "seconds"]) { key, value throws(ConfigurationError) in
            switch key {
            case "hz": history.hz = try integer(value, "\(section).\(key)", in: L.triggerHistoryHz)
            default: history.seconds = try integer(value, "\(section).\(key)", in: L.triggerHistorySeconds)
            }
        }
    }

    /// An array of strings.
    func strings(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> [String] {
        guard let array = value.array else {
            throw ConfigurationError(key: key, message: "must be an array of strings, not \(Self.typeName(value)) (\(value.debugDescription))")
        }
        var result: [String] = []
        for element in array {
            guard let text = element.string else {
                throw ConfigurationError(key: key, message: "must be an array of strings; \(element.debugDescription) is \(Self.typeName(element))")
            }
            result.append(text)
        }
        return result
    }

    mutating func read(_ table: TOMLTable, _ section: String,
                       into profiler: inout ServiceConfiguration.Profiler) throws(ConfigurationError) {
        typealias L = ServiceConfiguration.Limits
        let known = ["max_concurrent_sessions", "max_session_duration_seconds", "max_frequency_hz",
                     "chunk_size_bytes", "result_retention_seconds", "max_result_memory_bytes", "unwind"]
        try forEachKey(table, section, known: known) { key, value throws(ConfigurationError) in
            let name = "\(section).\(key)"
            switch key {
            case "max_concurrent_sessions": profiler.maxConcurrentSessions = try integer(value, name, in: L.maxConcurrentSessions)
            case "max_session_duration_seconds":
                profiler.maxSessionDurationSeconds = try integer(value, name, in: L.maxSessionDurationSeconds)
            case "max_frequency_hz": profiler.maxFrequencyHz = try integer(value, name, in: L.maxFrequencyHz)
            case "chunk_size_bytes": profiler.chunkSizeBytes = try integer(value, name, in: L.chunkSizeBytes)
            case "result_retention_seconds": profiler.resultRetentionSeconds = try integer(value, name, in: L.resultRetentionSeconds)
            case "unwind": profiler.unwind = try unwindMode(value, name)
            default: profiler.maxResultMemoryBytes = try integer(value, name, in: L.maxResultMemoryBytes)
            }
        }
    }

    func forEachKey(_ table: TOMLTable, _ section: String, known: [String],
                            _ body: (String, TOMLValueConvertible) throws(ConfigurationError) -> Void) throws(ConfigurationError) {
        for key in table.keys.sorted() {
            guard known.contains(key), let value = table[key] else {
                throw ConfigurationError(key: "\(section).\(key)", message: "unknown key",
                                         hint: "[\(section)] takes \(known.joined(separator: ", "))")
            }
            try body(key, value)
        }
    }

    func unwindMode(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> SessionSettings.UnwindMode {
        let choices = SessionSettings.UnwindMode.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
        guard let text = value.string, let mode = SessionSettings.UnwindMode(rawValue: text) else {
            throw ConfigurationError(key: key, message: "must be one of \(choices) (got \(value.debugDescription))")
        }
        if mode == .dwarf && !SessionSettings.UnwindMode.dwarfSupported {
            throw ConfigurationError(key: key, message: "\"dwarf\" supports x86-64 only", hint: "use \"auto\" or \"fp\"")
        }
        return mode
    }

    func integer(_ value: TOMLValueConvertible, _ key: String,
                         in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard let number = value.int else {
            throw ConfigurationError(key: key, message: "must be an integer, not \(Self.typeName(value)) (\(value.debugDescription))")
        }
        guard range.contains(number) else {
            throw ConfigurationError(key: key, message: "must be between \(range.lowerBound) and \(range.upperBound) (got \(number))")
        }
        return number
    }

    func string(_ value: TOMLValueConvertible, _ key: String) throws(ConfigurationError) -> String {
        guard let text = value.string else {
            throw ConfigurationError(key: key, message: "must be a string, not \(Self.typeName(value)) (\(value.debugDescription))")
        }
        guard !text.isEmpty else { throw ConfigurationError(key: key, message: "must not be empty") }
        return text
    }

    /// "an integer", "a boolean": the value's TOML type as a wrong-type message says it.
    static func typeName(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .int: "an integer"
        case .double: "a float"
        case .bool: "a boolean"
        case .string: "a string"
        case .array: "an array"
        case .table: "a table"
        default: "a \(value.type)"
        }
    }

    func resolved(_ path: String) -> String {
        guard let base, !path.hasPrefix("/") else { return path }
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }
}
