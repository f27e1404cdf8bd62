@testable import Service
import TestSupport
import Testing

/// Mutated profiler.toml files (issue 14: a fuzz target for the TOML loader, bounded so it
/// runs in every `swift test`): each one parses or is refused with a ConfigurationError,
/// never a crash, and a refusal names a key or the file.
@Suite struct ConfigurationFuzzTests {
    static let seed = """
        [server]
        bind_address = "127.0.0.1"
        port = 50051
        shutdown_grace_seconds = 5

        [grpc_tls]
        cert_file = "server.crt"
        key_file = "server.key"
        ca_file = "ca.crt"

        [profiler]
        max_concurrent_sessions = 4
        max_frequency_hz = 999
        unwind = "auto"
        """

    @Test func mutatedConfigurationsParseOrAreRefused() {
        var mutator = ByteMutator(seed: 0x746f_6d6c, interesting: "[]=\"'.#,{}-+_0123456789ex ")
        var refused = 0
        for iteration in 0..<2000 {
            let bytes = mutator.mutate(Array(Self.seed.utf8))
            let text = String(decoding: bytes, as: UTF8.self)
            do {
                _ = try ServiceConfiguration.parse(toml: text)
            } catch {
                refused += 1
                #expect(!error.key.isEmpty && !error.message.isEmpty, "iteration \(iteration): \(text.debugDescription)")
            }
        }
        // A mutator that never breaks the file tests nothing.
        #expect(refused > 100, "only \(refused) of 2000 mutated files were refused")
    }
}
