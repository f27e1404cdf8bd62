import Logging
import Pprof
import Sampling

/// What the HTTP scrape endpoint answers: a session through the registry (the gRPC
/// API's limits and result store), its gzipped pprof once it ends.
struct ScrapeEndpoint: Sendable {
    let registry: SessionRegistry
    let logger: Logger

    struct Response: Sendable, Equatable {
        var status: Int
        var contentType: String
        var body: [UInt8]

        static func refusal(_ refusal: ScrapeRequest.Refusal) -> Response {
            Response(status: refusal.status, contentType: "text/plain; charset=utf-8",
                     body: Array((refusal.reason + "\n").utf8))
        }
    }

    func respond(method: String, uri: String, peer: String) async -> Response {
        let request: ScrapeRequest
        do {
            request = try ScrapeRequest.parse(method: method, uri: uri, limits: registry.limits)
        } catch {
            logger.debug("scrape refused", metadata: ["peer": "\(peer)", "uri": "\(ClientEcho.quoted(uri))",
                                                      "status": "\(error.status)"])
            return .refusal(error)
        }
        logger.debug("scrape", metadata: ["peer": "\(peer)", "seconds": "\(request.seconds)", "hz": "\(request.frequency)",
                                          "mode": "\(request.mode.rawValue)"])
        let started: SessionRegistry.StartedSession
        do {
            started = try await registry.start(target: request.target, durationSeconds: request.seconds,
                                               frequencyHz: request.frequency, mode: request.mode)
        } catch {
            return .refusal(ScrapeRequest.Refusal(error))
        }
        do {
            let result = try await registry.result(sessionID: started.id)
            return Response(status: 200, contentType: "application/octet-stream", body: try result.bytes(in: .pprof))
        } catch let error as ServiceError {
            return .refusal(ScrapeRequest.Refusal(error))
        } catch let error as SessionResult.PprofFailure {
            return .refusal(ScrapeRequest.Refusal(status: 500, reason: "cannot encode the pprof profile: \(error.reason)"))
        } catch {
            return .refusal(ScrapeRequest.Refusal(status: 500, reason: "\(error)"))
        }
    }
}
