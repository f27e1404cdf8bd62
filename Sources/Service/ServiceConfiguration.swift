import Sampling
/// Everything `flametop serve` is configured with (profiler.toml), with the
/// product spec's defaults. `ServiceConfiguration.parse(toml:)` reads a file;
/// `validate(allowPlaintext:)` checks what depends on the command line.
public struct ServiceConfiguration: Sendable, Equatable {
    public struct Server: Sendable, Equatable {
        /// An IPv4 or IPv6 address literal; 0.0.0.0 / :: listen on every interface.
        public var bindAddress = "0.0.0.0"
        /// 0 picks a free port (the bound one is logged).
        public var port = 8080
        /// On SIGTERM, how long in-flight calls may take to finish before they are cut.
        public var shutdownGraceSeconds = 30

        public init() {}
    }

    /// mTLS material, PEM files. All three are required unless the server runs
    /// plaintext (`--insecure-plaintext`, loopback only).
    public struct TLS: Sendable, Equatable {
        /// The server's certificate (chain), leaf first.
        public var certFile: String?
        public var keyFile: String?
        /// The CA that issued the clients' certificates; clients without one are refused.
        public var caFile: String?

        public init() {}

        public var isEmpty: Bool { certFile == nil && keyFile == nil && caFile == nil }
    }

    public struct Profiler: Sendable, Equatable {
        public var maxConcurrentSessions = 10
        public var maxSessionDurationSeconds = 300
        public var maxFrequencyHz = 1000
        /// The largest `data` of one ProfilingResultsChunk.
        public var chunkSizeBytes = 65_536
        /// How long a finished result can be fetched.
        public var resultRetentionSeconds = 600
        /// The bytes all kept results may hold together; the oldest go first.
        public var maxResultMemoryBytes = 268_435_456
        /// The unwind mode of requests that leave it UNSPECIFIED.
        public var unwind: SessionSettings.UnwindMode = .auto

        public init() {}
    }

    /// Go's pprof HTTP interface (`GET /debug/pprof/profile?seconds=N`), for Parca and
    /// Alloy's `pyroscope.scrape`: off unless a port is set. Same TLS, same session limits.
    public struct HTTP: Sendable, Equatable {
        /// nil: no HTTP endpoint. 0 picks a free port (the bound one is logged).
        public var port: Int?
        /// nil: the gRPC server's `bind_address`.
        public var bindAddress: String?

        public init() {}
    }

    /// Where sessions look for debug files: folders, and debuginfod servers, which
    /// the service asks only when named here (`DEBUGINFOD_URLS` in its environment
    /// alone does not turn them on: a server should not reach out unasked).
    public struct Symbols: Sendable, Equatable {
        public var debugDirectories: [String] = []
        public var debuginfodURLs: [String] = []
        /// nil: libdebuginfod's default cache.
        public var debuginfodCachePath: String?

        public init() {}
    }

    /// The seconds before a trigger fires: while there are `[[trigger]]` rules, a low-rate
    /// frame-pointer sampler (the TUI's rewind history) keeps the recent stacks of the
    /// processes the rules could match, and a session a rule starts begins with its
    /// process's part of them.
    public struct TriggerHistory: Sendable, Equatable {
        /// Samples a second per CPU; 0 turns the history off.
        public var hz = HistoryRecorder.defaultHz
        /// Seconds held before a firing.
        public var seconds = 60

        public init() {}
    }

    public var server = Server()
    public var tls = TLS()
    public var profiler = Profiler()
    public var http = HTTP()
    public var symbols = Symbols()
    /// `[[trigger]]` rules: sessions the service starts by itself when a process is hot.
    public var triggers: [TriggerRule] = []
    public var triggerHistory = TriggerHistory()

    public init() {}

    /// The ranges each number must be in, by key (also used by the example config).
    public enum Limits {
        public static let port = 0...65_535
        public static let shutdownGraceSeconds = 0...600
        public static let maxConcurrentSessions = 1...256
        public static let maxSessionDurationSeconds = 1...300
        public static let maxFrequencyHz = 1...1000
        // Below gRPC's usual 4 MiB message limit, with room for the metadata.
        public static let chunkSizeBytes = 64...4_128_768
        public static let resultRetentionSeconds = 1...86_400
        public static let maxResultMemoryBytes = 1_024...17_179_869_184
        public static let triggerHistoryHz = HistoryRecorder.rateRange
        public static let triggerHistorySeconds = 1...600
    }

    /// Checks what parsing alone cannot: the address, TLS completeness, and that
    /// plaintext is only ever served on loopback.
    public func validate(allowPlaintext: Bool) throws(ConfigurationError) {
        guard let address = ListenAddress(server.bindAddress) else {
            throw ConfigurationError(key: "server.bind_address",
                                     message: "\"\(server.bindAddress)\" is not an IPv4 or IPv6 address",
                                     hint: "use 0.0.0.0 for every interface, 127.0.0.1 for this host only")
        }
        if let http = http.bindAddress {
            guard let httpAddress = ListenAddress(http) else {
                throw ConfigurationError(key: "http.bind_address", message: "\"\(http)\" is not an IPv4 or IPv6 address")
            }
            if allowPlaintext && self.http.port != nil && !httpAddress.isLoopback {
                throw ConfigurationError(key: "http.bind_address",
                                         message: "plaintext is only served on a loopback address, not \(http)")
            }
        }
        if allowPlaintext {
            guard address.isLoopback else {
                throw ConfigurationError(key: "server.bind_address",
                                         message: "plaintext is only served on a loopback address, not \(server.bindAddress)",
                                         hint: "bind to 127.0.0.1 or ::1, or drop --insecure-plaintext and configure [grpc_tls]")
            }
            return
        }
        let missing = [("grpc_tls.cert_file", tls.certFile), ("grpc_tls.key_file", tls.keyFile),
                       ("grpc_tls.ca_file", tls.caFile)].filter { $0.1 == nil }.map(\.0)
        if let first = missing.first {
            throw ConfigurationError(key: first,
                                     message: "missing: mTLS is mandatory and needs \(missing.joined(separator: ", "))",
                                     hint: "set [grpc_tls] cert_file, key_file and ca_file (see `flametop generate-config`)")
        }
    }
}
