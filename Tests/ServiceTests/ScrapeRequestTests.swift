@testable import Service
import Testing

@Suite struct ScrapeRequestTests {
    static let limits: ServiceConfiguration.Profiler = {
        var limits = ServiceConfiguration.Profiler()
        limits.maxSessionDurationSeconds = 60
        limits.maxFrequencyHz = 500
        return limits
    }()

    func parse(_ uri: String, method: String = "GET") throws(ScrapeRequest.Refusal) -> ScrapeRequest {
        try ScrapeRequest.parse(method: method, uri: uri, limits: Self.limits)
    }

    func status(_ uri: String, method: String = "GET") -> Int? {
        do {
            _ = try parse(uri, method: method)
            return nil
        } catch {
            return error.status
        }
    }

    @Test func aGoodRequestNamesTheSession() throws {
        #expect(try parse("/debug/pprof/profile?seconds=5") == ScrapeRequest(seconds: 5, target: .allProcesses, frequency: 100))
        #expect(try parse("/debug/pprof/profile?pid=42&seconds=30&hz=499")
                == ScrapeRequest(seconds: 30, target: .process(pid: 42), frequency: 499))
        #expect(try parse("/debug/pprof/profile?seconds=1&mode=cpu&debug=0").seconds == 1, "unknown keys are ignored")
    }

    @Test func theModeIsRecordsMode() throws {
        #expect(try parse("/debug/pprof/profile?seconds=5").mode == .cpu, "Go's handler profiles on-CPU time")
        #expect(try parse("/debug/pprof/profile?seconds=5&mode=off&pid=3")
                == ScrapeRequest(seconds: 5, target: .process(pid: 3), frequency: 100, mode: .off))
        #expect(try parse("/debug/pprof/profile?seconds=5&mode=wall").mode == .wall)
        #expect(throws: ScrapeRequest.Refusal(status: 400,
                                              reason: "mode must be one of cpu, off, wall (as record --mode), got offcpu")) {
            try parse("/debug/pprof/profile?seconds=5&mode=offcpu")
        }
    }

    @Test func badRequestsAreRefusedWithTheirStatus() {
        for uri in ["/debug/pprof/profile", "/debug/pprof/profile?seconds=", "/debug/pprof/profile?seconds=0",
                    "/debug/pprof/profile?seconds=-1", "/debug/pprof/profile?seconds=61", "/debug/pprof/profile?seconds=1.5",
                    "/debug/pprof/profile?seconds=1&hz=0", "/debug/pprof/profile?seconds=1&hz=501",
                    "/debug/pprof/profile?seconds=1&pid=0", "/debug/pprof/profile?seconds=1&pid=x",
                    "/debug/pprof/profile?seconds=1&mode=off_cpu", "/debug/pprof/profile?seconds=1&mode="] {
            #expect(status(uri) == 400, "\(uri)")
        }
        #expect(status("/debug/pprof/heap?seconds=1") == 404)
        #expect(status("/") == 404)
        #expect(status("/debug/pprof/profile?seconds=1", method: "POST") == 405)
    }

    @Test func serviceErrorsMapToHTTPStatuses() {
        #expect(ScrapeRequest.Refusal(ServiceError(.notFound, "no such process")).status == 404)
        #expect(ScrapeRequest.Refusal(ServiceError(.resourceExhausted, "limit")).status == 429)
        #expect(ScrapeRequest.Refusal(ServiceError(.unavailable, "no eBPF")).status == 503)
        #expect(ScrapeRequest.Refusal(ServiceError(.invalidArgument, "a thread")).status == 400)
    }

    @Test func theHTTPSectionIsRead() throws {
        let parsed = try ServiceConfiguration.parse(toml: "[http]\nport = 6060\nbind_address = \"127.0.0.1\"\n")
        #expect(parsed.http.port == 6060 && parsed.http.bindAddress == "127.0.0.1")
        #expect(ServiceConfiguration().http.port == nil, "off by default")
        #expect(throws: ConfigurationError.self) { try ServiceConfiguration.parse(toml: "[http]\nport = 70000\n") }
        #expect(throws: ConfigurationError.self) { try ServiceConfiguration.parse(toml: "[http]\npath = \"/x\"\n") }
    }
}
