import FoundationEssentials
import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import Sampling
import Synchronization

/// `flametop serve`: the ProfilerService over gRPC, with mutual TLS unless
/// plaintext was asked for explicitly (and then only on loopback).
public final class ProfilerServer: Sendable {
    public let configuration: ServiceConfiguration
    public let isPlaintext: Bool
    private let transport: HTTP2ServerTransport.Posix
    private let server: GRPCServer<HTTP2ServerTransport.Posix>
    private let registry: SessionRegistry
    /// The HTTP scrape endpoint ([http] port), when configured.
    private let scrape: ScrapeServer?
    /// The `[[trigger]]` rules' watcher, when there are rules.
    private let triggers: TriggerWatcher?
    /// The seconds before a trigger ([trigger_history]), while there are rules.
    private let history: HistoryRecorder?
    private let status: StatusReporter
    private let availability = EBPFAvailability()
    private let logger: Logger
    private let shutdownRequests: AsyncStream<Void>
    private let requestShutdown: AsyncStream<Void>.Continuation

    /// Validates the configuration and the TLS files; nothing listens before `run`.
    public init(configuration: ServiceConfiguration, allowPlaintext: Bool = false, version: String,
                logger: Logger = Logger(label: "flametop.service")) throws(ConfigurationError) {
        try configuration.validate(allowPlaintext: allowPlaintext)
        let security = allowPlaintext ? .plaintext : try ServerSecurity.mutualTLS(configuration.tls)
        guard let address = ListenAddress(configuration.server.bindAddress) else {
            throw ConfigurationError(key: "server.bind_address", message: "not an IP address")
        }
        let port = configuration.server.port
        self.configuration = configuration
        self.isPlaintext = allowPlaintext
        self.logger = logger
        transport = HTTP2ServerTransport.Posix(
            address: address.family == .ipv4 ? .ipv4(host: address.host, port: port) : .ipv6(host: address.host, port: port),
            transportSecurity: security)
        registry = SessionRegistry(limits: configuration.profiler, symbols: configuration.symbols, logger: logger)
        status = StatusReporter(version: version, maxConcurrentSessions: configuration.profiler.maxConcurrentSessions,
                                historySeconds: configuration.triggerHistory.seconds)
        if configuration.triggers.isEmpty || configuration.triggerHistory.hz == 0 {
            history = nil
        } else {
            var settings = HistoryRecorder.Settings()
            settings.hz = configuration.triggerHistory.hz
            settings.capacitySeconds = configuration.triggerHistory.seconds
            history = HistoryRecorder(settings: settings)
        }
        triggers = configuration.triggers.isEmpty ? nil
            : TriggerWatcher(rules: configuration.triggers, registry: registry, history: history, logger: logger)
        let endpoint = ProfilerEndpoint(registry: registry, availability: availability, status: status, triggers: triggers,
                                        chunker: ResultChunker(maxBytes: configuration.profiler.chunkSizeBytes),
                                        logger: logger)
        server = GRPCServer(transport: transport, services: [endpoint])
        if let httpPort = configuration.http.port {
            let tls = allowPlaintext ? nil : try ServerSecurity.scrapeContext(configuration.tls)
            scrape = ScrapeServer(host: configuration.http.bindAddress ?? configuration.server.bindAddress, port: httpPort,
                                  tls: tls, endpoint: ScrapeEndpoint(registry: registry, logger: logger))
        } else {
            scrape = nil
        }
        (shutdownRequests, requestShutdown) = AsyncStream.makeStream(of: Void.self)
    }

    /// Where the server listens once bound (the real port when the configured one is 0).
    public var boundAddress: (host: String, port: Int) {
        get async throws {
            let address = try await transport.listeningAddress
            if let ipv4 = address.ipv4 { return (ipv4.host, ipv4.port) }
            if let ipv6 = address.ipv6 { return (ipv6.host, ipv6.port) }
            return (configuration.server.bindAddress, configuration.server.port)
        }
    }

    /// Serves until `shutdown()` has drained the calls in flight (or its grace
    /// period ran out), or the transport fails. `onListening` gets the bound address,
    /// `onScrapeListening` the HTTP endpoint's (when configured).
    public func run(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in },
                    onScrapeListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void = { _, _ in }) async throws {
        availability.prime()
        if let scrape {
            let port: Int
            do {
                port = try await scrape.start()
            } catch {
                await scrape.shutdown()
                throw error
            }
            onScrapeListening(configuration.http.bindAddress ?? configuration.server.bindAddress, port)
        }
        do {
            try await serve(onListening: onListening)
        } catch {
            await stopScrape()
            throw error
        }
        await stopScrape()
    }

    /// Starts the pre-trigger history; when it cannot sample (no BPF), triggers still fire
    /// and their profiles start at the firing (GetStatus says why).
    private func startHistory() {
        guard let history else { return }
        history.start()
        logger.info("recording the seconds before triggers", metadata: [
            "hz": "\(history.settings.hz)", "seconds": "\(history.settings.capacitySeconds)"])
    }

    private func stopScrape() async {
        guard let scrape else { return }
        await scrape.stop()
        await scrape.shutdown()
    }

    private func serve(onListening: @escaping @Sendable (_ host: String, _ port: Int) -> Void) async throws {
        enum Finished { case served, listening, graceExpired, sweeperStopped, watcherStopped }
        try await withThrowingTaskGroup(of: Finished.self) { group in
            group.addTask {
                try await self.server.serve()
                return .served
            }
            group.addTask {
                let (host, port) = try await self.boundAddress
                onListening(host, port)
                return .listening
            }
            group.addTask {
                for await _ in self.shutdownRequests { break }
                let grace = self.configuration.server.shutdownGraceSeconds
                try? await Task.sleep(for: .seconds(grace))
                return .graceExpired
            }
            group.addTask {
                // Results also expire on access; this frees their memory without one.
                while (try? await Task.sleep(for: .seconds(1))) != nil { self.registry.deleteExpiredResults() }
                return .sweeperStopped
            }
            if let triggers = self.triggers {
                group.addTask {
                    self.startHistory()
                    await triggers.run()
                    // A last drain on the recorder's thread: a short wait, once, at shutdown.
                    self.history?.stop()
                    return .watcherStopped
                }
            }
            while let finished = try await group.next() {
                switch finished {
                case .listening, .sweeperStopped, .watcherStopped: continue
                case .served:
                    logger.info("server stopped")
                case .graceExpired:
                    logger.warning("shutdown grace period (server.shutdown_grace_seconds) ran out: cutting the calls still in flight")
                }
                group.cancelAll()
                break
            }
        }
    }

    /// Starts a graceful shutdown (SIGTERM): refuses new calls, ends running
    /// sessions early so the calls waiting for them get what was sampled, and
    /// lets calls in flight finish. Safe from any thread; `run` returns when done.
    public func shutdown() {
        logger.info("shutting down: draining calls in flight")
        status.markShuttingDown()
        if let scrape { Task { await scrape.stop() } }
        registry.stopAll()
        server.beginGracefulShutdown()
        requestShutdown.yield()
    }
}
