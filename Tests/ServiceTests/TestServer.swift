import Foundation
import GRPCCore
import Logging
import Service
import TestSupport

/// A real ProfilerService in this process, on a free loopback port with mTLS
/// from `certificates`; shut down (gracefully) when `body` returns or throws.
enum TestServer {
    static func configuration(_ certificates: TestCertificates) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.server.bindAddress = "127.0.0.1"
        configuration.server.port = 0
        configuration.server.shutdownGraceSeconds = 5
        configuration.tls.certFile = certificates.server.certificate
        configuration.tls.keyFile = certificates.server.key
        configuration.tls.caFile = certificates.caCertificate
        return configuration
    }

    static func with<Value: Sendable>(
        _ certificates: TestCertificates,
        configure: (inout ServiceConfiguration) -> Void = { _ in },
        _ body: (_ port: Int) async throws -> Value
    ) async throws -> Value {
        var configuration = configuration(certificates)
        configure(&configuration)
        var logger = Logger(label: "flametop.service.test")
        logger.logLevel = .warning
        let server = try ProfilerServer(configuration: configuration, version: "test", logger: logger)
        let running = Task { try await server.run() }
        do {
            let port = try await server.boundAddress.port
            let value = try await body(port)
            server.shutdown()
            try await running.value
            return value
        } catch {
            server.shutdown()
            _ = try? await running.value
            throw error
        }
    }

    /// An endpoint with the test CA's client certificate.
    static func endpoint(_ port: Int, _ certificates: TestCertificates) -> ClientEndpoint {
        ClientEndpoint(host: "127.0.0.1", port: port,
                       security: .mutualTLS(certFile: certificates.client.certificate, keyFile: certificates.client.key,
                                            caFile: certificates.caCertificate))
    }

    /// Runs `body` with a client holding the test CA's client certificate.
    static func client<Value: Sendable>(_ port: Int, _ certificates: TestCertificates,
                                        _ body: (ProfilerClient) async throws -> Value) async throws -> Value {
        try await ProfilerClient.withConnection(to: endpoint(port, certificates), body)
    }
}

/// The gRPC status code a call failed with, or nil when it succeeded.
func statusCode(of call: () async throws -> Void) async -> RPCError.Code? {
    do {
        try await call()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}

/// The RPCError a call failed with (throws when it succeeded or failed otherwise).
func rpcError(of call: () async throws -> Void) async throws -> RPCError {
    do {
        try await call()
    } catch let error as RPCError {
        return error
    }
    throw TestFailure("the call succeeded; an RPCError was expected")
}
