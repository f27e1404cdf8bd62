import GRPCCore
import NIOSSL

/// A call that failed in the TLS handshake, told apart from other connection failures: gRPC
/// reports both sides' certificate refusals only as "closed the connection before completing
/// the HTTP/2 connection preface" (UNAVAILABLE); the reason is in the error's cause.
public enum TLSFailure: Sendable, Equatable {
    /// The client did not trust the server's certificate (BoringSSL CERTIFICATE_VERIFY_FAILED).
    case serverCertificateNotTrusted(detail: String)
    /// The server refused the client's certificate (a TLS alert: unknown CA, bad or missing
    /// certificate).
    case clientCertificateNotAccepted(detail: String)
    /// Another handshake failure.
    case handshakeFailed(detail: String)

    /// BoringSSL's names for the alerts a server sends when it refuses a client certificate.
    private static let refusals = ["ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_REQUIRED",
                                   "ALERT_CERTIFICATE_UNKNOWN", "ALERT_UNSUPPORTED_CERTIFICATE",
                                   "ALERT_CERTIFICATE_EXPIRED", "ALERT_CERTIFICATE_REVOKED", "ALERT_ACCESS_DENIED"]

    /// nil when nothing in `error`'s chain of causes is a TLS error.
    public init?(_ error: any Error) {
        var current: (any Error)? = error
        while let candidate = current {
            if candidate is NIOSSLError || candidate is BoringSSLError {
                let text = String(describing: candidate)
                let detail = Self.reason(in: text)
                if text.contains("CERTIFICATE_VERIFY_FAILED") {
                    self = .serverCertificateNotTrusted(detail: detail)
                } else if Self.refusals.contains(where: text.contains) {
                    self = .clientCertificateNotAccepted(detail: detail)
                } else {
                    self = .handshakeFailed(detail: detail)
                }
                return
            }
            current = (candidate as? RPCError)?.cause
        }
        return nil
    }

    /// `CERTIFICATE_VERIFY_FAILED` out of BoringSSL's `error:1000007d:SSL routines:…:NAME at file:line`.
    private static func reason(in text: String) -> String {
        guard let routines = text.firstRange(of: "OPENSSL_internal:") else { return text }
        let rest = text[routines.upperBound...]
        return String(rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
    }
}
