import FoundationEssentials
import GRPCCore
import GRPCNIOTransportHTTP2
import SwiftProtobuf

/// A ProfilerService client for `flametop remote` and the tests: the three calls,
/// with a results stream checked for completeness and put back together.
public struct ProfilerClient: Sendable {
    private let service: Profiler_V1_ProfilerService.Client<HTTP2ClientTransport.Posix>

    /// Connects, runs `body`, and closes the connection.
    public static func withConnection<Result: Sendable>(
        to endpoint: ClientEndpoint, _ body: (ProfilerClient) async throws -> Result
    ) async throws -> Result {
        let transport = try HTTP2ClientTransport.Posix(target: endpoint.target,
                                                       transportSecurity: endpoint.transportSecurity)
        return try await withGRPCClient(transport: transport) { client in
            try await body(ProfilerClient(service: .init(wrapping: client)))
        }
    }

    public func start(pid: Int32, durationSeconds: Int, frequencyHz: Int, unwind: Profiler_V1_UnwindMode = .unspecified,
                      mode: Profiler_V1_ProfileMode = .unspecified,
                      timeout: Duration = .seconds(30)) async throws -> Profiler_V1_StartProfilingResponse {
        let request = Profiler_V1_StartProfilingRequest.with {
            $0.pid = pid
            $0.unwind = unwind
            $0.mode = mode
            // Out-of-range values are the server's to refuse (INVALID_ARGUMENT), not ours to wrap.
            $0.durationSeconds = UInt32(clamping: durationSeconds)
            $0.frequencyHz = UInt32(clamping: frequencyHz)
        }
        return try await service.startProfiling(request, options: Self.options(timeout))
    }

    /// Streams a session's result in `format`; waits (up to `timeout`) while the session
    /// samples. `onChunk` sees each chunk as it arrives.
    public func results(sessionID: String, timeout: Duration, format: Profiler_V1_ResultFormat = .folded,
                        onChunk: @escaping @Sendable (Profiler_V1_ProfilingResultsChunk) -> Void = { _ in }) async throws -> FetchedResult {
        let request = Profiler_V1_GetProfilingResultsRequest.with {
            $0.sessionID = sessionID
            $0.format = format
        }
        return try await service.getProfilingResults(request, options: Self.options(timeout)) { response in
            var assembler = FetchedResult.Assembler()
            for try await chunk in response.messages {
                onChunk(chunk)
                try assembler.append(chunk)
            }
            return try assembler.finish()
        }
    }

    public func status(timeout: Duration = .seconds(30)) async throws -> Profiler_V1_GetStatusResponse {
        try await service.getStatus(Profiler_V1_GetStatusRequest(), options: Self.options(timeout))
    }

    private static func options(_ timeout: Duration) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        return options
    }
}
