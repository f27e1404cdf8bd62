import GRPCNIOTransportHTTP2

/// Where a ProfilerService runs and how to reach it: mutual TLS with a client
/// certificate, or plaintext (only a loopback server accepts it).
public struct ClientEndpoint: Sendable {
    public enum Security: Sendable {
        /// The client's certificate and key, and the CA that issued the server's certificate.
        case mutualTLS(certFile: String, keyFile: String, caFile: String)
        case plaintext
    }

    public var host: String
    public var port: Int
    public var security: Security

    public init(host: String, port: Int, security: Security) {
        self.host = host
        self.port = port
        self.security = security
    }

    /// Parses `host:port`, `[v6]:port` or `v6-literal` + port ("::1" needs brackets with a port).
    public init(server: String, security: Security) throws(ClientError) {
        var text = Substring(server)
        let host: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { throw ClientError("bad server address \"\(server)\": missing ]") }
            host = text[text.index(after: text.startIndex)..<close]
            text = text[text.index(after: close)...]
        } else if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = text[..<colon]
            text = text[colon...]
        } else {
            throw ClientError("bad server address \"\(server)\": give host:port, e.g. 127.0.0.1:8080 or [::1]:8080")
        }
        guard text.hasPrefix(":"), let port = Int(text.dropFirst()), (1...65_535).contains(port), !host.isEmpty else {
            throw ClientError("bad server address \"\(server)\": give host:port with a port of 1–65535")
        }
        self.init(host: String(host), port: port, security: security)
    }

    var target: any ResolvableTarget {
        switch ListenAddress(host)?.family {
        case .ipv4: return .ipv4(address: host, port: port)
        case .ipv6: return .ipv6(address: host, port: port)
        case nil: return .dns(host: host, port: port)
        }
    }

    var transportSecurity: HTTP2ClientTransport.Posix.TransportSecurity {
        switch security {
        case .plaintext:
            return .plaintext
        case .mutualTLS(let certFile, let keyFile, let caFile):
            return .mTLS(certificateChain: [.file(path: certFile, format: .pem)],
                         privateKey: .file(path: keyFile, format: .pem)) { config in
                config.trustRoots = .certificates([.file(path: caFile, format: .pem)])
                // The server's certificate must name the host (or IP) dialled.
                config.serverCertificateVerification = .fullVerification
            }
        }
    }
}
