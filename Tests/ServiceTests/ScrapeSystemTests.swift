import Foundation
import Gzip
import Pprof
import Profile
import TestSupport
import Testing

extension ServiceSystemTests {
    /// `flametop serve` with `[http] port`: Go's pprof HTTP interface over the same mTLS,
    /// fetched by `go tool pprof` and curl as Parca and Alloy would.
    @Suite(.serialized)
    struct Scrape {
        static func serve(_ certificates: TestCertificates, in directory: TemporaryDirectory, extra: String = "",
                          launcher: [String] = [], plaintext: Bool = false) throws -> (serve: ServeProcess, url: String) {
            let serve = try ServeProcess.start(toml: ServeProcess.toml(certificates, extra: "[http]\nport = 0\n" + extra),
                                               in: directory, extraArguments: ["--debug"] + (plaintext ? ["--insecure-plaintext"] : []),
                                               launcher: launcher)
            let scheme = plaintext ? "http" : "https"
            let marker = "serving pprof on \(scheme)://127.0.0.1:"
            guard let range = serve.process.stderr.range(of: marker),
                  let port = Int(serve.process.stderr[range.upperBound...].prefix { $0.isNumber }) else {
                serve.process.terminate()
                throw TestFailure("no scrape address in:\n\(serve.process.stderr)")
            }
            return (serve, "\(scheme)://127.0.0.1:\(port)/debug/pprof/profile")
        }

        /// A scraper as Parca's and Alloy's are: Go's net/http with a client certificate
        /// and the CA (`go tool pprof` 1.19 cannot: its own fetcher, cmd/pprof/pprof.go
        /// `getProfile`, ignores -tls_cert/-tls_key/-tls_ca for http(s) URLs).
        static let goScraper = """
            package main

            import (
            \t"crypto/tls"
            \t"crypto/x509"
            \t"fmt"
            \t"io"
            \t"net/http"
            \t"os"
            )

            // scrape CERT KEY CA URL OUT: writes the body to OUT, prints the status.
            func main() {
            \tcert, err := tls.LoadX509KeyPair(os.Args[1], os.Args[2])
            \tif err != nil {
            \t\tpanic(err)
            \t}
            \tca, err := os.ReadFile(os.Args[3])
            \tif err != nil {
            \t\tpanic(err)
            \t}
            \tpool := x509.NewCertPool()
            \tpool.AppendCertsFromPEM(ca)
            \tclient := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}}}}
            \tresponse, err := client.Get(os.Args[4])
            \tif err != nil {
            \t\tpanic(err)
            \t}
            \tdefer response.Body.Close()
            \tbody, err := io.ReadAll(response.Body)
            \tif err != nil {
            \t\tpanic(err)
            \t}
            \tif err := os.WriteFile(os.Args[5], body, 0o600); err != nil {
            \t\tpanic(err)
            \t}
            \tfmt.Println(response.StatusCode)
            }
            """

        /// `curl` with the test client's certificate: the status, the body and the time taken.
        static func curl(_ url: String, _ certificates: TestCertificates, output: String? = nil,
                         clientCertificate: Bool = true) throws -> (status: Int, body: String, seconds: Double) {
            var arguments = ["curl", "-s", "--cacert", certificates.caCertificate, "-w", "\n%{http_code} %{time_total}",
                             "-o", output ?? "-"]
            if clientCertificate { arguments += ["--cert", certificates.client.certificate, "--key", certificates.client.key] }
            let result = try Command.run(arguments + [url], timeout: 60)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let last = (lines.last ?? "").split(separator: " ")
            return (Int(last.first ?? "") ?? 0, lines.dropLast().joined(separator: "\n"), Double(last.last ?? "") ?? 0)
        }

        /// A Go scraper fetches the ground truth over mTLS and `go tool pprof -top` reads
        /// what it got: the known functions lead; a 5 s scrape answers in 5 s plus a little.
        @Test(.needsRoot) func aGoScraperFetchesOverMutualTLS() throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let (serve, url) = try Self.serve(certificates, in: directory)
            defer { serve.process.terminate() }

            let scraper = try GoPprof.build(Self.goScraper, named: "scrape", in: directory)
            let scraped = directory.file("go-scrape.pb.gz")
            let status = try Command.check([scraper, certificates.client.certificate, certificates.client.key,
                                            certificates.caCertificate, "\(url)?seconds=2&pid=\(workload.pid)&hz=499", scraped],
                                           timeout: 60)
            #expect(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "200", "\(status.stdout)")
            let top = try GoPprof.pprof(["-top", "-sample_index=samples", scraped], in: directory)
            let rows = GoPprof.topRows(top)
            #expect(rows.prefix(3).map(\.name) == ["alpha", "beta", "omega"], "\(top)")
            let alpha = rows.first { $0.name == "alpha" }?.flatPercent ?? 0
            // ~1000 samples: the binomial σ of a 50% share is 1.6 pp; ±10 pp is over 6σ.
            #expect(abs(alpha - 50) <= 10, "\(top)")

            let file = directory.file("scrape.pb.gz")
            let timed = try Self.curl("\(url)?seconds=5&pid=\(workload.pid)", certificates, output: file)
            #expect(timed.status == 200)
            Swift.print("scrape of seconds=5 answered in \(String(format: "%.3f", timed.seconds)) s")
            #expect(timed.seconds >= 5 && timed.seconds < 7, "\(timed.seconds) s")
            let read = try PprofReader().read(try Gzip.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: file)))))
            #expect(read.counts.totalSamples > 100 && read.durationNanos >= 4_500_000_000)
        }

        /// `go tool pprof URL` itself (its own fetcher, plaintext on loopback: it has no
        /// client certificates) reads the endpoint as it reads Go's net/http/pprof.
        @Test(.needsRoot) func goToolPprofFetchesTheURL() throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let (serve, url) = try Self.serve(certificates, in: directory, plaintext: true)
            defer { serve.process.terminate() }
            let top = try GoPprof.pprof(["-top", "-sample_index=samples", "\(url)?seconds=2&pid=\(workload.pid)&hz=499"],
                                        in: directory)
            #expect(GoPprof.topRows(top).prefix(3).map(\.name) == ["alpha", "beta", "omega"], "\(top)")
        }

        /// `&mode=off` answers an off-CPU profile: one sample type, off_cpu/nanoseconds, read
        /// back in µs; a mode that is not record's is 400 with the names.
        @Test(.needsRoot) func theModeParameterAnswersOffCPUProfiles() throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try OffCPUTruthWorkload.build(in: directory))
            defer { workload.terminate() }
            let (serve, url) = try Self.serve(certificates, in: directory)
            defer { serve.process.terminate() }
            let file = directory.file("off.pb.gz")
            let fetched = try Self.curl("\(url)?seconds=2&pid=\(workload.pid)&mode=off", certificates, output: file)
            #expect(fetched.status == 200, "\(fetched)")
            let read = try PprofReader().read(try Gzip.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: file)))))
            #expect(read.kind == .offCPUMicroseconds && read.sampleType == "off_cpu" && read.sampleUnit == "nanoseconds")
            #expect(read.periodType == "off_cpu" && read.period == 1_000)
            // Two threads blocked most of 2 s: well over a second of off-CPU time, in µs.
            #expect(read.counts.totalSamples > 1_000_000, "\(read.counts.totalSamples) µs")
            let functions = Set(read.counts.counts.keys.flatMap { $0.frames.map(\.function) })
            #expect(functions.contains("phase_sleep"), "\(functions.sorted())")

            let bad = try Self.curl("\(url)?seconds=1&mode=offcpu", certificates)
            #expect(bad.status == 400 && bad.body.contains("mode must be one of cpu, off, wall"), "\(bad)")
        }

        /// Without pid the whole host: samples of several processes, each with its comm label;
        /// not the service's own (system-wide sampling leaves flametop out).
        @Test(.needsRoot) func withoutPidEveryProcessIsProfiled() throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let second = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: true))
            defer { second.terminate() }
            let (serve, url) = try Self.serve(certificates, in: directory)
            defer { serve.process.terminate() }
            let file = directory.file("host.pb.gz")
            let fetched = try Self.curl("\(url)?seconds=2", certificates, output: file)
            #expect(fetched.status == 200)
            let raw = try Gzip.decompress(Array(try Data(contentsOf: URL(fileURLWithPath: file))))
            let profile = try Perftools_Profiles_Profile(serializedBytes: raw)
            let strings = profile.stringTable
            let comms = Set(profile.sample.flatMap { $0.label.filter { strings[Int($0.key)] == "comm" }.map { strings[Int($0.str)] } })
            #expect(comms.contains("gt-nopie") && comms.contains("gt-pie"), "\(comms)")
            #expect(!comms.contains { $0 == "flametop" || $0.hasPrefix("flametop-") }, "\(comms)")
            #expect(profile.sample.allSatisfy { $0.label.contains { strings[Int($0.key)] == "comm" } })
        }

        /// Bad requests get a status and a one-line reason; a client without a certificate
        /// gets no answer at all (the TLS handshake fails).
        @Test(.needsRoot) func badRequestsGetAStatusAndAReason() throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let workload = try Workloads.start(try GroundTruthWorkload.build(in: directory, pie: false))
            defer { workload.terminate() }
            let (serve, url) = try Self.serve(certificates, in: directory,
                                              extra: "[profiler]\nmax_concurrent_sessions = 1\nmax_session_duration_seconds = 30\n")
            defer { serve.process.terminate() }

            for (query, reason) in [("", "seconds missing"), ("?seconds=0", "seconds must be"), ("?seconds=-3", "seconds must be"),
                                    ("?seconds=31", "from 1 to 30"), ("?seconds=1&hz=5000", "hz must be"),
                                    ("?seconds=1&pid=abc", "pid must be")] {
                let answer = try Self.curl(url + query, certificates)
                #expect(answer.status == 400 && answer.body.contains(reason), "\(query): \(answer)")
                #expect(answer.body.split(separator: "\n").count == 1, "one line: \(answer.body)")
            }
            let unknown = try Self.curl("\(url)?seconds=1&pid=999999", certificates)
            #expect(unknown.status == 404 && unknown.body.contains("999999"), "\(unknown)")
            let elsewhere = try Self.curl(url.replacingOccurrences(of: "/profile", with: "/heap") + "?seconds=1", certificates)
            #expect(elsewhere.status == 404, "\(elsewhere)")

            // An overlapping scrape counts against max_concurrent_sessions.
            let first = try RunningProcess(["curl", "-s", "-o", directory.file("first.pb.gz"), "-w", "%{http_code}",
                                            "--cacert", certificates.caCertificate, "--cert", certificates.client.certificate,
                                            "--key", certificates.client.key, "\(url)?seconds=4&pid=\(workload.pid)"])
            #expect(Wait.until(timeout: 10) { serve.process.stderr.contains("session started") }, "\(serve.process.stderr)")
            let second = try Self.curl("\(url)?seconds=1&pid=\(workload.pid)", certificates)
            #expect(second.status == 429 && second.body.contains("max_concurrent_sessions"), "\(second)")
            let firstResult = first.wait(timeout: 20)
            #expect(firstResult.stdout == "200", "\(firstResult.stdout) \(firstResult.stderr)")

            let anonymous = try Self.curl("\(url)?seconds=1", certificates, clientCertificate: false)
            #expect(anonymous.status == 0, "no certificate, no answer: \(anonymous)")
        }

        /// Without eBPF (bpf() fails as on a kernel without it) a scrape is 503 with the reason.
        @Test(.needsRoot) func withoutEBPFAScrapeIsUnavailable() throws {
            let certificates = try TestCertificates.make()
            let directory = try TemporaryDirectory()
            defer { certificates.remove(); directory.remove() }
            let launcher = try NoBPFLauncher.build(in: directory)
            let (serve, url) = try Self.serve(certificates, in: directory, launcher: [launcher])
            defer { serve.process.terminate() }
            let answer = try Self.curl("\(url)?seconds=1&pid=\(getpid())", certificates)
            #expect(answer.status == 503 && answer.body.contains("eBPF"), "\(answer)")
        }
    }
}
