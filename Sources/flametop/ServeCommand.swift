import ArgumentParser
import FoundationEssentials
import Logging
import Service

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the on-demand profiling service (gRPC with mutual TLS).",
        discussion: """
            Serves profiler.v1.ProfilerService (proto/profiler/v1/profiler.proto): StartProfiling \
            samples a PID for a duration, GetProfilingResults streams its folded stacks (waiting \
            while the session still samples), GetStatus reports health.

            With [http] port set, also serves Go's pprof HTTP interface on that port for Parca \
            and Alloy's pyroscope.scrape: GET /debug/pprof/profile?seconds=N[&pid=P][&hz=F] \
            answers the gzipped pprof after N seconds (without pid: every process), with the same \
            mTLS and session limits. 400: seconds missing or out of range; 404: no such PID; 429: \
            max_concurrent_sessions running; 503: eBPF unusable here.

            Clients must present a certificate issued by [grpc_tls] ca_file. Without -c, \
            ./profiler.toml is read when it exists. SIGTERM or Ctrl-C stops accepting calls, ends \
            running sessions early and lets calls in flight finish (server.shutdown_grace_seconds).

            `flametop generate-config` writes a commented example configuration.
            """
    )

    @Option(name: [.customShort("c"), .long], help: ArgumentHelp("The configuration file.", valueName: "profiler.toml"))
    var config: String?

    @Flag(name: .long, help: "Log every call and session step to stderr.")
    var debug = false

    @Flag(name: .customLong("insecure-plaintext"),
          help: "Serve without TLS, for local testing: only allowed on a loopback bind_address.")
    var insecurePlaintext = false

    func run() throws {
        SignalWatcher.blockSignals()
        let configuration = try loadConfiguration()
        var logger = Logger(label: "flametop.service")
        logger.logLevel = debug ? .debug : .info
        let server: ProfilerServer
        do {
            server = try ProfilerServer(configuration: configuration, allowPlaintext: insecurePlaintext,
                                        version: Flametop.version, logger: logger)
        } catch {
            throw CommandFailure(error.description)
        }
        SignalWatcher.watch { signal in
            Console.error("flametop: \(SignalWatcher.name(signal)): shutting down")
            server.shutdown()
        }
        let security = insecurePlaintext
            ? "PLAINTEXT, loopback only"
            : "mTLS: clients need a certificate issued by \(configuration.tls.caFile ?? "?")"
        do {
            try Blocking.run {
                try await server.run(onListening: { host, port in
                    Console.error("flametop: serving profiler.v1.ProfilerService on \(Self.address(host, port)) (\(security))")
                }, onScrapeListening: { host, port in
                    let scheme = insecurePlaintext ? "http" : "https"
                    Console.error("flametop: serving pprof on \(scheme)://\(Self.address(host, port))/debug/pprof/profile?seconds=N (\(security))")
                })
            }
        } catch {
            let server = configuration.server
            throw CommandFailure("serving on \(server.bindAddress) port \(server.port) failed: \(error)")
        }
        Console.error("flametop: stopped")
    }

    private static func address(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private func loadConfiguration() throws -> ServiceConfiguration {
        let path = config ?? (FileManager.default.fileExists(atPath: "profiler.toml") ? "profiler.toml" : nil)
        guard let path else { return ServiceConfiguration() }
        do {
            return try ServiceConfiguration.load(path: path)
        } catch {
            throw CommandFailure(error.description)
        }
    }
}
