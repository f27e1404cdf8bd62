import Foundation
import Profile
import TestSupport
import Testing

extension ServiceSystemTests {
    /// The service asks a debuginfod server only when its TOML names one: a stripped process is
    /// named through the server named under `[symbols]`, and `DEBUGINFOD_URLS` in the service's
    /// environment alone changes nothing.
    @Suite(.serialized)
    struct Debuginfod {
        struct Fixture {
            let directory: TemporaryDirectory
            let stripped: String
            let buildID: String
        }

        static func fixture() throws -> Fixture {
            let directory = try TemporaryDirectory()
            let binary = try DebugFixtures.buildInlineChain(compiler: "gcc", in: directory, output: "ic")
            let served = directory.file("served")
            try FileManager.default.createDirectory(atPath: served, withIntermediateDirectories: true)
            try Command.check(["objcopy", "--only-keep-debug", binary, "\(served)/ic.debug"])
            let stripped = directory.file("ic-bare")
            try Command.check(["strip", "--strip-all", "-o", stripped, binary])
            return Fixture(directory: directory, stripped: stripped, buildID: try DebugFixtures.buildID(of: binary))
        }

        /// `remote start` on the stripped process through a service with `extra` in its TOML and
        /// `launcher` before its command; returns the folded file written.
        static func profile(_ fixture: Fixture, extra: String, launcher: [String]) throws -> String {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            let workload = try Workloads.start(fixture.stripped)
            defer { workload.terminate() }
            let serve = try ServeProcess.start(toml: ServeProcess.toml(certificates, extra: extra), in: fixture.directory,
                                               launcher: launcher)
            defer { serve.process.terminate() }
            let output = fixture.directory.file("remote-\(UUID().uuidString.prefix(8)).folded")
            let start = try Command.run([try FlametopBinary.path, "remote", "start"] + serve.remoteArguments(certificates)
                                        + ["--pid", "\(workload.pid)", "-d", "3", "-F", "499", "-o", output], timeout: 60)
            guard start.status == 0 else { throw TestFailure("remote start failed: \(start.stderr)\n\(serve.process.stderr)") }
            return try String(contentsOfFile: output, encoding: .utf8)
        }

        @Test(.needsRoot) func theTOMLsServerNamesAStrippedProcess() throws {
            let fixture = try Self.fixture()
            defer { fixture.directory.remove() }
            let state = try TemporaryDirectory()
            defer { state.remove() }
            let server = try DebuginfodServer(serving: fixture.directory.file("served"), state: state, readyFor: fixture.buildID)
            defer { server.stop() }
            let cache = state.file("service-cache")
            let text = try Self.profile(fixture, extra: """
                [symbols]
                debuginfod_urls = ["\(server.url)"]
                debuginfod_cache = "\(cache)"
                """, launcher: [])
            let counts = try FoldedReader().read(text)
            #expect(counts.totalSamples > 100, "\(counts.totalSamples) samples")
            // The first drains may name it by its .eh_frame start before the file arrives.
            let named = counts.counts.filter { $0.key.frames.map(\.function).contains("hot_c") }.reduce(0) { $0 + $1.value }
            #expect(Double(named) > 0.5 * Double(counts.totalSamples), "hot_c in \(named) of \(counts.totalSamples):\n\(text)")
            #expect(text.contains("main;run;hot_c"), "\(text)")
            #expect(FileManager.default.fileExists(atPath: "\(cache)/\(fixture.buildID)/debuginfo"), "cached by build-id")
        }

        @Test(.needsRoot) func theEnvironmentAloneDoesNotTurnItOn() throws {
            let fixture = try Self.fixture()
            defer { fixture.directory.remove() }
            let state = try TemporaryDirectory()
            defer { state.remove() }
            let server = try DebuginfodServer(serving: fixture.directory.file("served"), state: state, readyFor: fixture.buildID)
            defer { server.stop() }
            let cache = state.file("environment-cache")
            let text = try Self.profile(fixture, extra: "", launcher: [
                "env", "DEBUGINFOD_URLS=\(server.url)", "DEBUGINFOD_CACHE_PATH=\(cache)",
            ])
            let counts = try FoldedReader().read(text)
            #expect(counts.totalSamples > 100, "\(counts.totalSamples) samples")
            #expect(!text.contains("hot_c"), "named through a server the TOML does not name:\n\(text)")
            #expect(text.contains("ic-bare+0x"), "the stripped function by its start:\n\(text)")
            #expect(!FileManager.default.fileExists(atPath: cache), "libdebuginfod was asked")
        }
    }
}
