import Foundation
import GRPCCore
import Gzip
import Pprof
import Profile
import Service
import TestSupport
import Testing

extension ServiceSystemTests {
    /// `flametop serve`, `flametop remote` and `flametop generate-config` as a user runs them.
    @Suite(.serialized)
    struct Commands {
        /// SIGTERM ends the running session early and the waiting stream still gets
        /// what was sampled; then the server exits 0.
        @Test(.needsRoot) func sigtermDrainsInFlightStreams() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let serve = try ServeProcess.start(toml: ServeProcess.toml(certificates), in: directory)
            defer { serve.process.terminate() }

            try await TestServer.client(serve.port, certificates) { client in
                let started = try await client.start(pid: workload.pid, durationSeconds: 60, frequencyHz: 499)
                let waiting = Task { try await client.results(sessionID: started.sessionID, timeout: .seconds(30)) }
                #expect(await eventually(timeout: 10) { serve.process.stderr.contains("waiting for the session to end") },
                        "the results call waits: \(serve.process.stderr)")
                let cpu = ProcessCPU.seconds(of: workload.pid) ?? 0
                #expect(ProcessCPU.waitForCPU(of: workload.pid, moreThan: cpu, by: 0.3, timeout: 10))
                let clock = ContinuousClock()
                let signalled = clock.now
                serve.process.signal(SIGTERM)
                let fetched = try await waiting.value
                print("SIGTERM → drained result in \(clock.now - signalled)")
                #expect(fetched.metadata.end == .stopped, "\(fetched.metadata.endReason)")
                #expect(fetched.metadata.sampleCount > 50)
                #expect(fetched.foldedText.contains("alpha"))
            }
            let exit = serve.process.wait(timeout: 15)
            #expect(exit.status == 0 && !exit.timedOut, "\(exit.stderr)")
            #expect(exit.stderr.contains("SIGTERM: shutting down") && exit.stderr.contains("flametop: stopped"), "\(exit.stderr)")
        }

        /// An operator drives the service with `flametop remote` and saves a folded file.
        @Test(.needsRoot) func remoteCommandsDriveTheService() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let serve = try ServeProcess.start(toml: ServeProcess.toml(certificates), in: directory)
            defer { serve.process.terminate() }
            let binary = try FlametopBinary.path
            let remote = serve.remoteArguments(certificates)

            let output = directory.file("remote.folded")
            let start = try Command.run([binary, "remote", "start"] + remote
                                        + ["--pid", "\(workload.pid)", "-d", "2", "-F", "499", "-o", output], timeout: 60)
            #expect(start.status == 0, "\(start.stderr)")
            let sessionID = start.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(sessionID.count == 36, "the session id on stdout: \(start.stdout)")
            #expect(start.stderr.contains("wrote \(output)") && start.stderr.contains("ended: duration elapsed"), "\(start.stderr)")
            let text = try String(contentsOfFile: output, encoding: .utf8)
            let counts = try FoldedReader().read(text)
            #expect(counts.totalSamples > 50 && text.contains("main;run;alpha"), "\(counts.totalSamples) samples")

            let again = directory.file("again.folded")
            let results = try Command.run([binary, "remote", "results"] + remote + ["--session", sessionID, "-o", again])
            #expect(results.status == 0, "\(results.stderr)")
            #expect(try String(contentsOfFile: again, encoding: .utf8) == text, "the same result, byte for byte")

            // The same session as pprof, chosen by the output's name: the same stacks.
            let pprof = directory.file("again.pb.gz")
            let fetchedPprof = try Command.run([binary, "remote", "results"] + remote + ["--session", sessionID, "-o", pprof])
            #expect(fetchedPprof.status == 0 && fetchedPprof.stderr.contains("pprof, "), "\(fetchedPprof.stderr)")
            let raw = try Gzip.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: pprof))))
            #expect(FoldedWriter().write(try PprofReader().read(raw).counts) == text)

            let status = try Command.run([binary, "remote", "status"] + remote)
            #expect(status.status == 0, "\(status.stderr)")
            #expect(status.stdout.contains("healthy: yes") && status.stdout.contains("sessions started: 1"), "\(status.stdout)")

            let missing = directory.file("missing.folded")
            let unknown = try Command.run([binary, "remote", "results"] + remote + ["--session", "bogus", "-o", missing])
            #expect(unknown.status == 1 && unknown.stderr.contains("NOT_FOUND"), "\(unknown.stderr)")
            #expect(!FileManager.default.fileExists(atPath: missing), "a failed fetch leaves no file")
            let invalid = try Command.run([binary, "remote", "start"] + remote + ["--pid", "\(workload.pid)", "-d", "301"])
            #expect(invalid.status == 1 && invalid.stderr.contains("INVALID_ARGUMENT"), "\(invalid.stderr)")
        }

        /// Without eBPF (bpf() fails as on a kernel without it), StartProfiling is
        /// UNAVAILABLE with the reason, and GetStatus says why the host is unhealthy.
        @Test(.needsRoot) func withoutEBPFStartingIsUnavailable() async throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let launcher = try NoBPFLauncher.build(in: directory)
            let serve = try ServeProcess.start(toml: ServeProcess.toml(certificates), in: directory, launcher: [launcher])
            defer { serve.process.terminate() }

            try await TestServer.client(serve.port, certificates) { client in
                let error = try await rpcError { _ = try await client.start(pid: getpid(), durationSeconds: 1, frequencyHz: 99) }
                #expect(error.code == .unavailable, "\(error)")
                #expect(error.message.contains("eBPF profiling is unavailable") && error.message.contains("ENOSYS")
                        || error.message.contains("Function not implemented"), "\(error.message)")
                let status = try await client.status()
                #expect(!status.healthy && !status.ebpfAvailable)
                #expect(status.ebpfUnavailableReason.contains("bpf()"), "\(status.ebpfUnavailableReason)")
            }
        }

        /// A bad configuration stops `serve` at once with the key and what is wrong.
        @Test func configurationErrorsNameTheKey() throws {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let binary = try FlametopBinary.path
            let cases: [(toml: String, arguments: [String], expected: String)] = [
                ("[profiler]\nmax_sesions = 3\n", [], "profiler.max_sesions: unknown key"),
                ("[profiler]\nchunk_size_bytes = 10\n", [], "profiler.chunk_size_bytes: must be between 64"),
                ("[server]\nport = 8080\n", [], "grpc_tls.cert_file: missing"),
                ("[server]\nbind_address = \"0.0.0.0\"\n", ["--insecure-plaintext"], "server.bind_address: plaintext is only served on a loopback"),
                ("[grpc_tls]\ncert_file = \"nope.crt\"\nkey_file = \"k\"\nca_file = \"c\"\n", [], "grpc_tls.cert_file: \(directory.path)/nope.crt does not exist"),
            ]
            for (toml, arguments, expected) in cases {
                let config = try directory.write("bad.toml", toml)
                let result = try Command.run([binary, "serve", "-c", config] + arguments, timeout: 20)
                #expect(result.status != 0 && result.stderr.contains(expected), "\(toml): \(result.stderr)")
            }
            let missing = try Command.run([binary, "serve", "-c", directory.file("absent.toml")], timeout: 20)
            #expect(missing.status != 0 && missing.stderr.contains("absent.toml: cannot read"), "\(missing.stderr)")

            // The generated example parses; only its placeholder TLS paths stop it.
            let example = directory.file("profiler.toml")
            #expect(try Command.run([binary, "generate-config", "-o", example]).status == 0)
            let refused = try Command.run([binary, "generate-config", "-o", example])
            #expect(refused.status != 0 && refused.stderr.contains("--force"), "an existing file is kept: \(refused.stderr)")
            let served = try Command.run([binary, "serve", "-c", example], timeout: 20)
            #expect(served.status != 0 && served.stderr.contains("grpc_tls.cert_file: \(directory.path)/server.crt does not exist"),
                    "\(served.stderr)")
        }
    }
}

/// Polls `condition` (bounded) without blocking a Swift concurrency thread.
func eventually(timeout: Double, _ condition: @Sendable () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}
