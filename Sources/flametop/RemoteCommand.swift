import ArgumentParser
import GRPCCore
import Service

/// `flametop remote`: drive a `flametop serve` by hand.
struct RemoteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "Drive a profiling service (flametop serve) by hand.",
        discussion: """
            Examples:
              flametop remote start --server 10.0.0.5:8080 --cert me.crt --key me.key --ca ca.crt --pid 1234 -d 30
              flametop remote results --server 10.0.0.5:8080 --cert me.crt --key me.key --ca ca.crt \\
                  --session 0d9c… -o app.folded
              flametop remote status --server 10.0.0.5:8080 --cert me.crt --key me.key --ca ca.crt
            """,
        subcommands: [RemoteStartCommand.self, RemoteResultsCommand.self, RemoteStatusCommand.self]
    )

    /// Runs `body` with a connection, turning gRPC errors into one-line messages.
    static func withClient<Value: Sendable>(_ options: RemoteOptions,
                                            _ body: @escaping @Sendable (ProfilerClient) async throws -> Value) throws -> Value {
        let endpoint = try options.endpoint()
        do {
            return try Blocking.run {
                try await ProfilerClient.withConnection(to: endpoint, body)
            }
        } catch let error as RPCError {
            if let tls = TLSFailure(error) { throw CommandFailure("\(options.server): \(Self.describe(tls, options))") }
            throw CommandFailure("\(options.server): \(Self.statusName(error.code)): \(error.message)")
        } catch let error as ClientError {
            throw CommandFailure("\(options.server): \(error.description)")
        }
    }

    /// A handshake failure in words, naming the file to look at.
    static func describe(_ failure: TLSFailure, _ options: RemoteOptions) -> String {
        switch failure {
        case .serverCertificateNotTrusted(let detail):
            "TLS: server certificate not trusted (\(detail)): it is not signed by the CA in --ca \(options.ca ?? "?"), "
                + "or does not name this address"
        case .clientCertificateNotAccepted(let detail):
            "TLS: certificate not accepted by the server (\(detail)): --cert \(options.cert ?? "?") is not signed "
                + "by the CA the server trusts (its grpc_tls.ca_file)"
        case .handshakeFailed(let detail):
            "TLS: the handshake failed (\(detail))"
        }
    }

    /// The status code as gRPC spells it (NOT_FOUND), which is what its documentation uses.
    static func statusName(_ code: RPCError.Code) -> String {
        let names: [(RPCError.Code, String)] = [
            (.cancelled, "CANCELLED"), (.unknown, "UNKNOWN"), (.invalidArgument, "INVALID_ARGUMENT"),
            (.deadlineExceeded, "DEADLINE_EXCEEDED"), (.notFound, "NOT_FOUND"), (.alreadyExists, "ALREADY_EXISTS"),
            (.permissionDenied, "PERMISSION_DENIED"), (.resourceExhausted, "RESOURCE_EXHAUSTED"),
            (.failedPrecondition, "FAILED_PRECONDITION"), (.aborted, "ABORTED"), (.outOfRange, "OUT_OF_RANGE"),
            (.unimplemented, "UNIMPLEMENTED"), (.internalError, "INTERNAL"), (.unavailable, "UNAVAILABLE"),
            (.dataLoss, "DATA_LOSS"), (.unauthenticated, "UNAUTHENTICATED"),
        ]
        return names.first { $0.0 == code }?.1 ?? "\(code)"
    }
}
