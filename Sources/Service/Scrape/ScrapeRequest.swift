import FoundationEssentials
import Sampling

/// A `GET /debug/pprof/profile?seconds=N[&pid=P][&hz=F][&mode=cpu|off|wall]` request, checked against the
/// service's limits; a bad one is refused with the status and one-line reason Go's
/// `net/http/pprof` clients (Parca, Alloy, `go tool pprof`) show.
struct ScrapeRequest: Equatable {
    static let path = "/debug/pprof/profile"
    /// Go's pprof handler samples at 100 Hz.
    static let defaultFrequency = 100

    var seconds: Int
    var target: SessionSettings.Target
    var frequency: Int
    /// What the profile counts, as `record --mode`: on-CPU samples (Go's handler), off-CPU
    /// or wall-clock time.
    var mode: ProfileMode = .cpu

    struct Refusal: Error, Equatable {
        var status: Int
        var reason: String
    }

    /// Parses the request target (`/path?query`) of a `method` request.
    static func parse(method: String, uri: String,
                      limits: ServiceConfiguration.Profiler) throws(Refusal) -> ScrapeRequest {
        let (path, query) = split(uri)
        guard path == Self.path else {
            throw Refusal(status: 404, reason: "not found: this service serves \(Self.path)?seconds=N[&pid=P][&hz=F][&mode=cpu|off|wall]")
        }
        // Every GET starts a session: nothing else is served.
        guard method == "GET" else {
            throw Refusal(status: 405, reason: "method \(method) not allowed: use GET")
        }
        let parameters = Self.parameters(query)
        guard let secondsText = parameters["seconds"] else {
            throw Refusal(status: 400, reason: "seconds missing: ask for ?seconds=N (1 to \(limits.maxSessionDurationSeconds))")
        }
        guard let seconds = Int(secondsText), (1...limits.maxSessionDurationSeconds).contains(seconds) else {
            throw Refusal(status: 400, reason:
                "seconds must be a whole number from 1 to \(limits.maxSessionDurationSeconds) (max_session_duration_seconds), got \(ClientEcho.quoted(secondsText))")
        }
        var target = SessionSettings.Target.allProcesses
        if let pidText = parameters["pid"] {
            guard let pid = Int32(pidText), pid > 0 else {
                throw Refusal(status: 400, reason: "pid must be a positive process id, got \(ClientEcho.quoted(pidText))")
            }
            target = .process(pid: pid)
        }
        var frequency = min(Self.defaultFrequency, limits.maxFrequencyHz)
        if let hzText = parameters["hz"] {
            guard let hz = Int(hzText), (1...limits.maxFrequencyHz).contains(hz) else {
                throw Refusal(status: 400, reason:
                    "hz must be a whole number from 1 to \(limits.maxFrequencyHz) (max_frequency_hz), got \(ClientEcho.quoted(hzText))")
            }
            frequency = hz
        }
        var mode = ProfileMode.cpu
        if let modeText = parameters["mode"] {
            guard let chosen = ProfileMode(rawValue: modeText) else {
                let names = ProfileMode.allCases.map(\.rawValue).joined(separator: ", ")
                throw Refusal(status: 400, reason: "mode must be one of \(names) (as record --mode), got \(ClientEcho.quoted(modeText))")
            }
            mode = chosen
        }
        return ScrapeRequest(seconds: seconds, target: target, frequency: frequency, mode: mode)
    }

    private static func split(_ uri: String) -> (path: String, query: String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }

    /// `a=1&b=2` into a dictionary (percent-decoded; the first of a repeated key wins).
    private static func parameters(_ query: String) -> [String: String] {
        // Forms write a space as "+"; URLComponents decodes only "%XX".
        let items = URLComponents(string: "?" + query.replacing("+", with: "%20"))?.queryItems ?? []
        var result: [String: String] = [:]
        for item in items where result[item.name] == nil { result[item.name] = item.value ?? "" }
        return result
    }
}

extension ScrapeRequest.Refusal {
    /// The HTTP status of a refused session start.
    init(_ error: ServiceError) {
        let status = switch error.code {
        case .invalidArgument: 400
        case .notFound: 404
        case .resourceExhausted: 429
        case .unavailable: 503
        case .internalError: 500
        }
        self.init(status: status, reason: error.message)
    }
}
