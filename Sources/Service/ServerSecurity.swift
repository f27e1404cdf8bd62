import FoundationEssentials
import GRPCNIOTransportHTTP2
import NIOSSL

/// The server's mutual TLS: its certificate and key, and the CA that client
/// certificates must chain to. The files are read and checked once, at start,
/// so a wrong path or a key that does not match fails with the key's name
/// instead of at the first handshake.
enum ServerSecurity {
    static func mutualTLS(_ tls: ServiceConfiguration.TLS) throws(ConfigurationError) -> HTTP2ServerTransport.Posix.TransportSecurity {
        guard let certFile = tls.certFile, let keyFile = tls.keyFile, let caFile = tls.caFile else {
            throw ConfigurationError(key: "grpc_tls", message: "cert_file, key_file and ca_file are all required for mTLS")
        }
        let certificatePEM = try read(certFile, key: "grpc_tls.cert_file")
        let keyPEM = try read(keyFile, key: "grpc_tls.key_file")
        let caPEM = try read(caFile, key: "grpc_tls.ca_file")
        let chain = try certificates(certificatePEM, key: "grpc_tls.cert_file", path: certFile)
        _ = try certificates(caPEM, key: "grpc_tls.ca_file", path: caFile)
        let privateKey: NIOSSLPrivateKey
        do {
            privateKey = try NIOSSLPrivateKey(bytes: keyPEM, format: .pem)
        } catch {
            throw ConfigurationError(key: "grpc_tls.key_file", message: "\(keyFile) holds no PEM private key (\(error))")
        }
        // BoringSSL refuses a key that does not belong to the leaf certificate when
        // a context is made from them (SSL_CTX_use_PrivateKey checks the pair).
        do {
            _ = try NIOSSLContext(configuration: .makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey)))
        } catch {
            throw ConfigurationError(key: "grpc_tls.key_file",
                                     message: "\(keyFile) does not match the certificate in \(certFile) (\(error))")
        }
        return .mTLS(certificateChain: [.bytes(certificatePEM, format: .pem)],
                     privateKey: .bytes(keyPEM, format: .pem)) { config in
            config.trustRoots = .certificates([.bytes(caPEM, format: .pem)])
            // Clients are identified by their certificate, not a host name.
            config.clientCertificateVerification = .noHostnameVerification
        }
    }

    /// The scrape endpoint's TLS: the same certificate, key and client CA as gRPC's,
    /// client certificates required (checked by `mutualTLS` first).
    static func scrapeContext(_ tls: ServiceConfiguration.TLS) throws(ConfigurationError) -> NIOSSLContext {
        guard let certFile = tls.certFile, let keyFile = tls.keyFile, let caFile = tls.caFile else {
            throw ConfigurationError(key: "grpc_tls", message: "cert_file, key_file and ca_file are all required for mTLS")
        }
        let chain = try certificates(try read(certFile, key: "grpc_tls.cert_file"), key: "grpc_tls.cert_file", path: certFile)
        let roots = try certificates(try read(caFile, key: "grpc_tls.ca_file"), key: "grpc_tls.ca_file", path: caFile)
        do {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: chain.map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: try read(keyFile, key: "grpc_tls.key_file"), format: .pem)))
            configuration.trustRoots = .certificates(roots)
            // Clients are identified by their certificate, not a host name.
            configuration.certificateVerification = .noHostnameVerification
            return try NIOSSLContext(configuration: configuration)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(key: "grpc_tls", message: "cannot make the HTTP endpoint's TLS context (\(error))")
        }
    }

    private static func read(_ path: String, key: String) throws(ConfigurationError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ConfigurationError(key: key, message: "\(path) \(reason)")
        }
        return Array(data)
    }

    private static func certificates(_ pem: [UInt8], key: String, path: String) throws(ConfigurationError) -> [NIOSSLCertificate] {
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(pem)
        } catch {
            throw ConfigurationError(key: key, message: "\(path) holds no PEM certificate (\(error))")
        }
        guard !certificates.isEmpty else {
            throw ConfigurationError(key: key, message: "\(path) holds no PEM certificate")
        }
        return certificates
    }
}
