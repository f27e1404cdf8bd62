import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import Service
import TestSupport
import Testing

extension ServiceSystemTests {
    /// mTLS is mandatory: only clients with a certificate from the configured CA
    /// get an answer; and the client checks the server's certificate too.
    @Suite(.serialized)
    struct MutualTLS {
        typealias Security = HTTP2ClientTransport.Posix.TransportSecurity

        /// GetStatus with `security`; nil when it is answered, else the status code.
        static func statusCall(port: Int, _ security: Security) async -> (code: RPCError.Code?, message: String) {
            do {
                let transport = try HTTP2ClientTransport.Posix(target: .ipv4(address: "127.0.0.1", port: port),
                                                               transportSecurity: security)
                return try await withGRPCClient(transport: transport) { grpc in
                    var options = CallOptions.defaults
                    options.timeout = .seconds(10)
                    _ = try await Profiler_V1_ProfilerService.Client(wrapping: grpc)
                        .getStatus(Profiler_V1_GetStatusRequest(), options: options)
                    return (nil, "")
                }
            } catch let error as RPCError {
                return (error.code, error.message)
            } catch {
                return (.unknown, "\(error)")
            }
        }

        @Test func onlyClientsWithACertificateFromTheCAAreServed() async throws {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            let ca = TLSConfig.CertificateSource.file(path: certificates.caCertificate, format: .pem)
            func identity(_ identity: TestCertificates.Identity) -> Security {
                .mTLS(certificateChain: [.file(path: identity.certificate, format: .pem)],
                      privateKey: .file(path: identity.key, format: .pem)) { $0.trustRoots = .certificates([ca]) }
            }

            try await TestServer.with(certificates) { port in
                let valid = await Self.statusCall(port: port, identity(certificates.client))
                #expect(valid.code == nil, "the test CA's client is served: \(valid.message)")

                let anonymous = await Self.statusCall(port: port, .tls { $0.trustRoots = .certificates([ca]) })
                #expect(anonymous.code == .unavailable, "a client without a certificate is refused: \(anonymous)")

                let intruder = await Self.statusCall(port: port, identity(certificates.intruder))
                #expect(intruder.code == .unavailable, "a certificate of another CA is refused: \(intruder)")

                let plaintext = await Self.statusCall(port: port, .plaintext)
                #expect(plaintext.code == .unavailable, "plaintext is refused: \(plaintext)")

                let valid2 = await Self.statusCall(port: port, identity(certificates.client))
                #expect(valid2.code == nil, "refusals leave the server serving: \(valid2.message)")
            }
        }

        /// A client that does not trust the server's CA refuses the server.
        @Test func clientVerifiesTheServer() async throws {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            try await TestServer.with(certificates) { port in
                let endpoint = ClientEndpoint(host: "127.0.0.1", port: port, security: .mutualTLS(
                    certFile: certificates.client.certificate, keyFile: certificates.client.key,
                    caFile: certificates.otherCACertificate))
                let code = await statusCode { _ = try await ProfilerClient.withConnection(to: endpoint) { try await $0.status() } }
                #expect(code == .unavailable)
            }
        }

        /// Both refusals arrive as UNAVAILABLE "closed the connection before completing the
        /// HTTP/2 connection preface"; the client tells them apart as TLS failures (issue 14).
        @Test func certificateRefusalsAreNamedAsTLSFailures() async throws {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            try await TestServer.with(certificates) { port in
                func failure(cert: TestCertificates.Identity, ca: String) async -> TLSFailure? {
                    let endpoint = ClientEndpoint(host: "127.0.0.1", port: port, security: .mutualTLS(
                        certFile: cert.certificate, keyFile: cert.key, caFile: ca))
                    do {
                        _ = try await ProfilerClient.withConnection(to: endpoint) { try await $0.status() }
                        return nil
                    } catch {
                        return TLSFailure(error)
                    }
                }
                let untrusted = await failure(cert: certificates.client, ca: certificates.otherCACertificate)
                #expect(untrusted == .serverCertificateNotTrusted(detail: "CERTIFICATE_VERIFY_FAILED"), "\(String(describing: untrusted))")
                let refused = await failure(cert: certificates.intruder, ca: certificates.caCertificate)
                guard case .clientCertificateNotAccepted = refused else {
                    Issue.record("an intruder's certificate: \(String(describing: refused))")
                    return
                }
                #expect(await failure(cert: certificates.client, ca: certificates.caCertificate) == nil)
            }
        }

        /// IPv6: the server binds ::1, and the client checks the certificate names that address.
        @Test func servesOnIPv6Loopback() async throws {
            let certificates = try TestCertificates.make()
            defer { certificates.remove() }
            try await TestServer.with(certificates, configure: { $0.server.bindAddress = "::1" }) { port in
                let endpoint = try ClientEndpoint(server: "[::1]:\(port)", security: .mutualTLS(
                    certFile: certificates.client.certificate, keyFile: certificates.client.key,
                    caFile: certificates.caCertificate))
                #expect(endpoint.host == "::1" && endpoint.port == port)
                let status = try await ProfilerClient.withConnection(to: endpoint) { try await $0.status() }
                #expect(status.version == "test")
            }
        }

        /// Plaintext needs the explicit switch, and then only on loopback.
        @Test func plaintextServerOnLoopbackOnly() async throws {
            var configuration = ServiceConfiguration()
            configuration.server.bindAddress = "0.0.0.0"
            configuration.server.port = 0
            #expect(throws: ConfigurationError.self) {
                _ = try ProfilerServer(configuration: configuration, allowPlaintext: true, version: "test")
            }
            #expect(throws: ConfigurationError.self, "no TLS files and no plaintext switch") {
                _ = try ProfilerServer(configuration: configuration, allowPlaintext: false, version: "test")
            }
            configuration.server.bindAddress = "127.0.0.1"
            let server = try ProfilerServer(configuration: configuration, allowPlaintext: true, version: "test")
            let running = Task { try await server.run() }
            let port = try await server.boundAddress.port
            let endpoint = ClientEndpoint(host: "127.0.0.1", port: port, security: .plaintext)
            let status = try await ProfilerClient.withConnection(to: endpoint) { try await $0.status() }
            #expect(status.version == "test")
            server.shutdown()
            try await running.value
        }
    }
}
