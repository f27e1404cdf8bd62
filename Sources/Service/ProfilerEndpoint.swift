import FoundationEssentials
import GRPCCore
import Logging
import Pprof
import Sampling
import SwiftProtobuf

/// The gRPC face of the service: turns requests into SessionRegistry calls and
/// their answers and errors into messages and status codes.
struct ProfilerEndpoint: Profiler_V1_ProfilerService.SimpleServiceProtocol {
    let registry: SessionRegistry
    let availability: EBPFAvailability
    let status: StatusReporter
    let triggers: TriggerWatcher?
    let chunker: ResultChunker
    let logger: Logger

    func startProfiling(request: Profiler_V1_StartProfilingRequest,
                        context: ServerContext) async throws -> Profiler_V1_StartProfilingResponse {
        logger.debug("StartProfiling", metadata: [
            "peer": "\(context.remotePeer)", "pid": "\(request.pid)",
            "duration_s": "\(request.durationSeconds)", "frequency_hz": "\(request.frequencyHz)",
            "unwind": "\(request.unwind)", "mode": "\(request.mode)"])
        let started: SessionRegistry.StartedSession
        do {
            started = try await registry.start(pid: request.pid, durationSeconds: Int(request.durationSeconds),
                                               frequencyHz: Int(request.frequencyHz), unwind: try Self.unwindMode(request.unwind),
                                               mode: try Self.profileMode(request.mode))
        } catch {
            throw RPCError(error)
        }
        return .with {
            $0.sessionID = started.id
            $0.pid = started.pid
            $0.command = started.command
            $0.durationSeconds = UInt32(started.durationSeconds)
            $0.frequencyHz = UInt32(started.frequencyHz)
            $0.unwind = Profiler_V1_UnwindMode(started.unwind)
            $0.mode = Profiler_V1_ProfileMode(started.mode)
            $0.startTime = Google_Protobuf_Timestamp(date: started.startedAt)
            $0.expectedEndTime = Google_Protobuf_Timestamp(
                date: started.startedAt.addingTimeInterval(TimeInterval(started.durationSeconds)))
        }
    }

    func getProfilingResults(request: Profiler_V1_GetProfilingResultsRequest,
                             response: RPCWriter<Profiler_V1_ProfilingResultsChunk>,
                             context: ServerContext) async throws {
        logger.debug("GetProfilingResults", metadata: ["peer": "\(context.remotePeer)", "session": "\(ClientEcho.quoted(request.sessionID))"])
        let format = try Self.resultFormat(request.format)
        let result = try await waitForResult(sessionID: request.sessionID, context: context)
        let bytes: [UInt8]
        do {
            bytes = try result.bytes(in: format)
        } catch {
            throw RPCError(code: .internalError, message: "cannot encode the pprof profile: \(error.reason); the folded format still works")
        }
        let ranges = chunker.ranges(of: bytes, wholeLines: format == .folded)
        for (index, range) in ranges.enumerated() {
            var chunk = Profiler_V1_ProfilingResultsChunk()
            chunk.data = Data(bytes[range])
            chunk.chunkIndex = UInt32(index)
            chunk.isFinal = index == ranges.count - 1
            if index == 0 {
                chunk.metadata = Self.metadata(of: result, bytes: bytes.count, chunks: ranges.count, format: format)
            }
            try await response.write(chunk)
        }
        logger.debug("results sent", metadata: [
            "session": "\(request.sessionID)", "format": "\(format.rawValue)", "bytes": "\(bytes.count)",
            "chunks": "\(ranges.count)"])
    }

    func getStatus(request: Profiler_V1_GetStatusRequest,
                   context: ServerContext) async throws -> Profiler_V1_GetStatusResponse {
        await status.report(registry: registry, availability: availability, triggers: triggers)
    }

    /// Waits for the session's result while the RPC lasts. gRPC ends a call whose
    /// deadline passed (or whose client hung up) by cancelling the RPC, not the
    /// task; a server that begins a graceful shutdown cancels every RPC the same
    /// way, but then the wait goes on: shutting down ends the running sessions
    /// early, and their results are what the waiting calls drain with.
    private func waitForResult(sessionID: String, context: ServerContext) async throws -> SessionResult {
        let running: Bool
        do {
            running = try registry.isRunning(sessionID: sessionID)
        } catch {
            throw RPCError(error)
        }
        if running { logger.debug("waiting for the session to end", metadata: ["session": "\(sessionID)"]) }
        enum Outcome: Sendable { case result(SessionResult), rpcCancelled }
        do {
            return try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask { .result(try await registry.result(sessionID: sessionID)) }
                group.addTask {
                    try await context.cancellation.cancelled
                    return .rpcCancelled
                }
                defer { group.cancelAll() }
                while let outcome = try await group.next() {
                    switch outcome {
                    case .result(let result):
                        return result
                    case .rpcCancelled where registry.isShuttingDown:
                        logger.debug("draining: waiting for the stopped session's result", metadata: ["session": "\(sessionID)"])
                    case .rpcCancelled:
                        throw RPCError(code: .deadlineExceeded,
                                       message: "session \(sessionID) is still sampling: call again with a deadline past its end")
                    }
                }
                throw CancellationError()
            }
        } catch let error as ServiceError {
            throw RPCError(error)
        }
    }

    /// The request's format; UNSPECIFIED is folded.
    static func resultFormat(_ format: Profiler_V1_ResultFormat) throws(RPCError) -> ProfileFormat {
        switch format {
        case .unspecified, .folded: return .folded
        case .pprof: return .pprof
        case .UNRECOGNIZED(let value):
            throw RPCError(code: .invalidArgument, message: "format: unknown ResultFormat \(value) (FOLDED or PPROF)")
        }
    }

    static func metadata(of result: SessionResult, bytes: Int, chunks: Int,
                         format: ProfileFormat) -> Profiler_V1_ProfileMetadata {
        .with {
            $0.sessionID = result.sessionID
            $0.pid = result.pid
            $0.command = result.command
            $0.startTime = Google_Protobuf_Timestamp(date: result.startedAt)
            $0.durationSeconds = result.elapsedSeconds
            $0.requestedDurationSeconds = UInt32(result.requestedDurationSeconds)
            $0.frequencyHz = UInt32(result.frequencyHz)
            $0.sampleCount = result.sampleCount
            $0.uniqueStacks = UInt64(result.uniqueStacks)
            $0.losses = Profiler_V1_LossCounters(result.statistics)
            $0.end = Self.end(result.state)
            $0.endReason = result.endReason
            $0.totalBytes = UInt64(bytes)
            $0.totalChunks = UInt32(chunks)
            $0.unwind = Profiler_V1_UnwindMode(result.unwind)
            $0.format = format == .pprof ? .pprof : .folded
            $0.mode = Profiler_V1_ProfileMode(result.mode)
            $0.countUnit = result.unit.metadataName
            if let trigger = result.trigger { $0.trigger = Profiler_V1_TriggerCause(trigger) }
            if let part = result.preTrigger {
                $0.preTrigger = .with {
                    $0.seconds = UInt32(clamping: part.seconds)
                    $0.frequencyHz = UInt32(clamping: part.hz)
                    $0.samples = part.samples
                }
            }
        }
    }

    /// The request's mode; nil (UNSPECIFIED) takes the server's default. A mode the
    /// host cannot run (DWARF off x86-64) is the session's to refuse.
    static func unwindMode(_ mode: Profiler_V1_UnwindMode) throws(ServiceError) -> SessionSettings.UnwindMode? {
        if case .UNRECOGNIZED(let value) = mode {
            throw ServiceError(.invalidArgument, "unwind: unknown UnwindMode \(value)")
        }
        return mode.settingsMode
    }

    /// The request's profile mode; UNSPECIFIED is `cpu`.
    static func profileMode(_ mode: Profiler_V1_ProfileMode) throws(ServiceError) -> ProfileMode {
        if case .UNRECOGNIZED(let value) = mode {
            throw ServiceError(.invalidArgument, "mode: unknown ProfileMode \(value)")
        }
        return mode.settingsMode ?? .cpu
    }

    private static func end(_ state: SessionSnapshot.State) -> Profiler_V1_SessionEnd {
        switch state {
        case .running: return .unspecified
        case .finished: return .durationElapsed
        case .targetExited: return .targetExited
        case .stopped: return .stopped
        case .failed: return .failed
        }
    }
}

extension RPCError {
    init(_ error: ServiceError) {
        let code: RPCError.Code
        switch error.code {
        case .invalidArgument: code = .invalidArgument
        case .notFound: code = .notFound
        case .resourceExhausted: code = .resourceExhausted
        case .unavailable: code = .unavailable
        case .internalError: code = .internalError
        }
        self.init(code: code, message: error.message)
    }
}
