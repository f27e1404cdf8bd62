import Sampling

/// Why the service refused or failed a request, in the terms of gRPC's status
/// codes (the gRPC layer maps `code` one to one), with a message for the client.
public struct ServiceError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Code: Sendable, Equatable {
        case invalidArgument
        case notFound
        case resourceExhausted
        case unavailable
        case internalError
    }

    public var code: Code
    public var message: String

    /// `message` is cut to a bounded length: it may quote what a client sent.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = ClientEcho.bounded(message)
    }

    public var description: String { message }

    /// A session that could not start: the target (NOT_FOUND, INVALID_ARGUMENT)
    /// or the host (UNAVAILABLE: no eBPF, no perf events, no privileges).
    init(starting error: SamplingError) {
        // gRPC status messages are one line: join the hint on.
        let text = error.description.replacing("\n", with: "; ")
        switch error.kind {
        case .noSuchProcess: self.init(.notFound, text)
        case .kernelThread, .invalidSettings: self.init(.invalidArgument, text)
        case .insufficientPrivileges, .bpfUnavailable, .perfEventsUnavailable:
            self.init(.unavailable, "eBPF profiling is unavailable on this host: \(text)")
        case .system: self.init(.internalError, text)
        }
    }
}
