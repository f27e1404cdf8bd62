import Sampling
/// The commented profiler.toml `flametop generate-config` writes: every key with
/// its default, so the file parses back to `ServiceConfiguration()` once the
/// [grpc_tls] paths point at real files.
public enum ExampleConfiguration {
    public static var text: String {
        let defaults = ServiceConfiguration()
        typealias L = ServiceConfiguration.Limits
        return """
            # flametop serve: the on-demand profiling service (gRPC, mutual TLS).
            #   flametop serve -c profiler.toml [--debug]
            # Every key is optional and shows its default. Unknown keys are errors.

            [server]
            # An IPv4 or IPv6 address: 0.0.0.0 (or ::) listens on every interface,
            # 127.0.0.1 on this host only.
            bind_address = "\(defaults.server.bindAddress)"
            # \(L.port.lowerBound)–\(L.port.upperBound); 0 picks a free port and logs it.
            port = \(defaults.server.port)
            # On SIGTERM: stop accepting calls, end running sessions early (their
            # results are kept), and give in-flight calls this long to finish.
            shutdown_grace_seconds = \(defaults.server.shutdownGraceSeconds)

            [grpc_tls]
            # Mandatory: clients must present a certificate issued by ca_file.
            # PEM files; relative paths are relative to this file.
            # (Plaintext needs `flametop serve --insecure-plaintext` and a loopback
            # bind_address, and is meant for local testing only.)
            cert_file = "server.crt"   # the server's certificate (chain), leaf first
            key_file = "server.key"    # its private key
            ca_file = "ca.crt"         # the CA that signs client certificates

            [profiler]
            # Sessions sampling at the same time; one more is refused
            # (RESOURCE_EXHAUSTED). \(L.maxConcurrentSessions.lowerBound)–\(L.maxConcurrentSessions.upperBound).
            max_concurrent_sessions = \(defaults.profiler.maxConcurrentSessions)
            # The longest duration_seconds a client may ask for, \(L.maxSessionDurationSeconds.lowerBound)–\(L.maxSessionDurationSeconds.upperBound).
            max_session_duration_seconds = \(defaults.profiler.maxSessionDurationSeconds)
            # The highest frequency_hz a client may ask for, \(L.maxFrequencyHz.lowerBound)–\(L.maxFrequencyHz.upperBound).
            max_frequency_hz = \(defaults.profiler.maxFrequencyHz)
            # The largest data field of one results chunk, \(L.chunkSizeBytes.lowerBound)–\(L.chunkSizeBytes.upperBound) bytes.
            chunk_size_bytes = \(defaults.profiler.chunkSizeBytes)
            # How long a finished session's result can be fetched (and fetched
            # again) before it is deleted, \(L.resultRetentionSeconds.lowerBound)–\(L.resultRetentionSeconds.upperBound) seconds.
            result_retention_seconds = \(defaults.profiler.resultRetentionSeconds)
            # The bytes all kept results may use together (256 MiB); when a new
            # result needs room, the oldest kept results are deleted first.
            max_result_memory_bytes = \(defaults.profiler.maxResultMemoryBytes)
            # How user stacks are walked when a request leaves unwind unspecified:
            # "auto" (frame pointers; DWARF when the first stacks are incomplete),
            # "fp" (frame pointers only) or "dwarf" (CFI unwinding, x86-64).
            unwind = "\(defaults.profiler.unwind.rawValue)"

            [http]
            # Go's pprof HTTP interface for Parca and Grafana Alloy's pyroscope.scrape:
            #   GET /debug/pprof/profile?seconds=N[&pid=P][&hz=F][&mode=cpu|off|wall]
            #   answers the gzipped pprof after N seconds (without pid: every process;
            #   mode as record --mode, default cpu). The same mTLS as gRPC ([grpc_tls]),
            #   the same [profiler] limits. Off unless port is set.
            # port = 6060
            # bind_address = "0.0.0.0"   # default: [server] bind_address

            [symbols]
            # Folders of separate debug files laid out like /usr/lib/debug
            # (.build-id/xx/yyyy.debug), relative to this file.
            # debug_dirs = ["/srv/debug"]
            # debuginfod servers asked by build-id for debug files no folder holds;
            # the service asks none unless they are named here.
            # debuginfod_urls = ["https://debuginfod.debian.net"]
            # debuginfod_cache = "/var/cache/flametop/debuginfod"   # default: libdebuginfod's

            # [[trigger]]: the service profiles a process by itself when it is hot.
            # Each rule matches processes by one of pid, comm (the command name, as
            # `ps -o comm` shows it, at most 15 bytes) or cgroup (a path as in
            # /proc/PID/cgroup; processes in cgroups below it match too). When one has
            # used more than cpu_percent of a CPU (100 = one CPU busy, all its threads
            # together) for for_seconds, a session starts, under the [profiler] limits
            # like a client's; GetStatus lists it with the rule, and
            # `flametop remote results --trigger NAME` fetches it. After firing, the
            # rule waits cool_down_seconds, and fires at most max_per_hour times an
            # hour (suppressed firings are counted in GetStatus). Repeat the block for
            # more rules; names must differ.
            # [[trigger]]
            # name = "api-hot"
            # comm = "api-server"          # or: pid = 1234, or: cgroup = "/system.slice/api.service"
            # cpu_percent = 80             # above 0; a process on 4 CPUs can reach 400
            # for_seconds = \(TriggerRule.Defaults.forSeconds)          # \(TriggerRule.Limits.forSeconds.lowerBound)–\(TriggerRule.Limits.forSeconds.upperBound)
            # cool_down_seconds = \(TriggerRule.Defaults.coolDownSeconds)   # \(TriggerRule.Limits.coolDownSeconds.lowerBound)–\(TriggerRule.Limits.coolDownSeconds.upperBound)
            # max_per_hour = \(TriggerRule.Defaults.maxPerHour)          # \(TriggerRule.Limits.maxPerHour.lowerBound)–\(TriggerRule.Limits.maxPerHour.upperBound)
            # The session: as StartProfiling's fields, within the [profiler] limits.
            # duration_seconds = \(TriggerRule.Defaults.durationSeconds)
            # frequency_hz = \(TriggerRule.Defaults.frequencyHz)
            # mode = "cpu"                 # "cpu", "off" or "wall", as record --mode
            # unwind = "auto"              # default: [profiler] unwind; off/wall: "fp" only

            # While there are [[trigger]] rules, a low-rate frame-pointer sampler (the
            # TUI's rewind history: one cpu-clock event per CPU, counted in the kernel)
            # keeps the last `seconds` of the processes the rules could match (every
            # process when a rule matches by cgroup), so a triggered profile begins with
            # the seconds before its trigger, marked as the low-rate part; its counts are
            # then CPU microseconds (folded) and CPU nanoseconds (pprof), both rates
            # weighted by their periods. GetStatus shows its state and cost.
            [trigger_history]
            hz = \(defaults.triggerHistory.hz)          # \(L.triggerHistoryHz.lowerBound)–\(L.triggerHistoryHz.upperBound); 0 turns it off
            seconds = \(defaults.triggerHistory.seconds)     # \(L.triggerHistorySeconds.lowerBound)–\(L.triggerHistorySeconds.upperBound)

            """
    }
}
