import Foundation
@testable import Service
import TestSupport
import Testing

/// profiler.toml: defaults, the example file, and errors that name the key.
struct ConfigurationTests {
    @Test func defaultsAreTheSpecs() {
        let defaults = ServiceConfiguration()
        #expect(defaults.server.bindAddress == "0.0.0.0")
        #expect(defaults.server.port == 8080)
        #expect(defaults.profiler.maxConcurrentSessions == 10)
        #expect(defaults.profiler.maxSessionDurationSeconds == 300)
        #expect(defaults.profiler.maxFrequencyHz == 1000)
        #expect(defaults.profiler.chunkSizeBytes == 65_536)
    }

    /// The example parses back to the defaults, its TLS paths taken relative to the file.
    @Test func exampleConfigurationParsesToTheDefaults() throws {
        let parsed = try ServiceConfiguration.parse(toml: ExampleConfiguration.text, baseDirectory: "/etc/flametop")
        var expected = ServiceConfiguration()
        expected.tls.certFile = "/etc/flametop/server.crt"
        expected.tls.keyFile = "/etc/flametop/server.key"
        expected.tls.caFile = "/etc/flametop/ca.crt"
        #expect(parsed == expected)
        for section in ["[server]", "[grpc_tls]", "[profiler]", "result_retention_seconds", "max_result_memory_bytes"] {
            #expect(ExampleConfiguration.text.contains(section))
        }
    }

    @Test func valuesAreRead() throws {
        let parsed = try ServiceConfiguration.parse(toml: """
            [server]
            bind_address = "::1"
            port = 9999
            [grpc_tls]
            cert_file = "/pki/s.crt"
            [profiler]
            max_concurrent_sessions = 3
            chunk_size_bytes = 1024
            result_retention_seconds = 5
            unwind = "dwarf"
            """)
        #expect(parsed.server.bindAddress == "::1")
        #expect(parsed.server.port == 9999)
        #expect(parsed.tls.certFile == "/pki/s.crt")
        #expect(parsed.profiler.maxConcurrentSessions == 3)
        #expect(parsed.profiler.chunkSizeBytes == 1024)
        #expect(parsed.profiler.resultRetentionSeconds == 5)
        #expect(parsed.profiler.maxFrequencyHz == 1000, "unset keys keep their default")
        #expect(parsed.profiler.unwind == .dwarf)
        #expect(ServiceConfiguration().profiler.unwind == .auto)
    }

    /// debuginfod in the service: only servers the TOML names, never the environment's.
    @Test func symbolsNameTheirFoldersAndServers() throws {
        let parsed = try ServiceConfiguration.parse(toml: """
            [symbols]
            debug_dirs = ["debug", "/srv/debug"]
            debuginfod_urls = ["http://127.0.0.1:8002", "https://debuginfod.debian.net"]
            debuginfod_cache = "cache"
            """, baseDirectory: "/etc/flametop")
        #expect(parsed.symbols.debugDirectories == ["/etc/flametop/debug", "/srv/debug"])
        #expect(parsed.symbols.debuginfodURLs == ["http://127.0.0.1:8002", "https://debuginfod.debian.net"])
        #expect(parsed.symbols.debuginfodCachePath == "/etc/flametop/cache")
        let options = parsed.symbols.symbolizerOptions
        #expect(options.debuginfodURLs == "http://127.0.0.1:8002 https://debuginfod.debian.net")
        #expect(ServiceConfiguration().symbols.symbolizerOptions.debuginfodURLs == nil,
                "no [symbols]: no server, whatever DEBUGINFOD_URLS says")
    }

    @Test(arguments: [
        ("[server]\nprot = 80", "server.prot", "unknown key"),
        ("[profiler]\nmax_sessions = 2", "profiler.max_sessions", "unknown key"),
        ("[profile]\nport = 1", "profile", "unknown section"),
        ("port = 8080", "port", "unknown section"),
        ("[server]\nport = \"8080\"", "server.port", "must be an integer"),
        ("[server]\nport = 70000", "server.port", "between 0 and 65535"),
        ("[profiler]\nmax_frequency_hz = 5000", "profiler.max_frequency_hz", "between 1 and 1000"),
        ("[profiler]\nmax_session_duration_seconds = 0", "profiler.max_session_duration_seconds", "between 1 and 300"),
        ("[profiler]\nchunk_size_bytes = 1.5", "profiler.chunk_size_bytes", "must be an integer"),
        ("[profiler]\nmax_concurrent_sessions = 0", "profiler.max_concurrent_sessions", "between 1"),
        ("[profiler]\nunwind = \"frame-pointers\"", "profiler.unwind", "must be one of \"auto\", \"fp\", \"dwarf\""),
        ("[profiler]\nunwind = 1", "profiler.unwind", "must be one of"),
        ("[grpc_tls]\nca_file = 3", "grpc_tls.ca_file", "must be a string"),
        // A wrong type, not a bad address (issue 14).
        ("[server]\nbind_address = 5", "server.bind_address", "must be a string, not an integer"),
        ("[server]\nbind_address = true", "server.bind_address", "must be a string, not a boolean"),
        ("[grpc_tls]\nkey_file = \"\"", "grpc_tls.key_file", "must not be empty"),
        ("server = 1", "server", "must be a table"),
        ("[server\nport = 1", "profiler.toml", "expected ']'"),
        // toml++ aborted the process on these (found by ConfigurationFuzzTests).
        ("[server]\nport = 1\n[\n", "profiler.toml", "line 3: a table header needs a name"),
        ("[[ =\n", "profiler.toml", "line 1: a table header needs a name"),
        ("[é]", "profiler.toml", "line 1: a table header needs a name"),
        ("[symbols]\ndebuginfod_urls = \"https://x\"", "symbols.debuginfod_urls", "must be an array of strings, not a string"),
        ("[symbols]\ndebuginfod_urls = [\"ftp://x\"]", "symbols.debuginfod_urls", "is not an http:// or https:// URL"),
        ("[symbols]\ndebug_dirs = [1]", "symbols.debug_dirs", "must be an array of strings"),
    ])
    func badValuesNameTheirKey(toml: String, key: String, message: String) {
        #expect {
            _ = try ServiceConfiguration.parse(toml: toml)
        } throws: { error in
            guard let error = error as? ConfigurationError else { return false }
            return error.key == key && error.message.contains(message)
        }
    }

    @Test func mutualTLSIsMandatory() {
        var configuration = ServiceConfiguration()
        configuration.tls.certFile = "/x.crt"
        #expect(throws: ConfigurationError.self) { try configuration.validate(allowPlaintext: false) }
        do {
            try configuration.validate(allowPlaintext: false)
        } catch {
            #expect(error.key == "grpc_tls.key_file")
            #expect(error.message.contains("grpc_tls.ca_file"))
        }
    }

    @Test func plaintextOnlyOnLoopback() throws {
        var configuration = ServiceConfiguration()
        for address in ["0.0.0.0", "::", "192.0.2.1"] {
            configuration.server.bindAddress = address
            #expect(throws: ConfigurationError(
                key: "server.bind_address",
                message: "plaintext is only served on a loopback address, not \(address)",
                hint: "bind to 127.0.0.1 or ::1, or drop --insecure-plaintext and configure [grpc_tls]")) {
                try configuration.validate(allowPlaintext: true)
            }
        }
        for address in ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"] {
            configuration.server.bindAddress = address
            try configuration.validate(allowPlaintext: true)
        }
    }

    @Test func bindAddressMustBeAnIPAddress() {
        var configuration = ServiceConfiguration()
        configuration.server.bindAddress = "localhost"
        #expect {
            try configuration.validate(allowPlaintext: true)
        } throws: { ($0 as? ConfigurationError)?.key == "server.bind_address" }
    }

    @Test func missingFileIsNamed() {
        #expect {
            _ = try ServiceConfiguration.load(path: "/nonexistent/profiler.toml")
        } throws: { error in
            (error as? ConfigurationError)?.key == "/nonexistent/profiler.toml"
                && (error as? ConfigurationError)?.hint.contains("generate-config") == true
        }
    }

    /// The TLS files are checked at start: a missing file, a file that is no
    /// certificate, and a key of another certificate are errors naming the key.
    @Test func tlsFilesAreCheckedAtStart() throws {
        let certificates = try TestCertificates.make()
        defer { certificates.remove() }
        func startError(_ change: (inout ServiceConfiguration.TLS) -> Void) -> ConfigurationError? {
            var configuration = TestServer.configuration(certificates)
            change(&configuration.tls)
            do {
                _ = try ProfilerServer(configuration: configuration, version: "test")
                return nil
            } catch {
                return error
            }
        }
        #expect(startError { _ in } == nil)
        #expect(startError { $0.caFile = "/nonexistent/ca.crt" }?.key == "grpc_tls.ca_file")
        #expect(startError { $0.certFile = certificates.server.key }?.key == "grpc_tls.cert_file")
        #expect(startError { $0.keyFile = certificates.caCertificate }?.key == "grpc_tls.key_file")
        let mismatch = startError { $0.keyFile = certificates.client.key }
        #expect(mismatch?.key == "grpc_tls.key_file")
        #expect(mismatch?.message.contains("does not match") == true, "\(String(describing: mismatch))")
    }
}
