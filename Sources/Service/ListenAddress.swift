import FoundationEssentials
import Glibc

/// An IP address literal the server binds to or a client connects to.
public struct ListenAddress: Sendable, Equatable {
    public enum Family: Sendable { case ipv4, ipv6 }

    public let host: String
    public let family: Family

    /// Nil unless `text` is an IPv4 or IPv6 literal (host names are not resolved here).
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            family = .ipv4
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            family = .ipv6
        } else {
            return nil
        }
        host = text
    }

    /// 127.0.0.0/8 and ::1 (also as an IPv4-mapped 127.x address).
    public var isLoopback: Bool {
        switch family {
        case .ipv4:
            return host.split(separator: ".").first == "127"
        case .ipv6:
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return false }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            if bytes[..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            let mapped = bytes[..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xff && bytes[11] == 0xff
            return mapped && bytes[12] == 127
        }
    }
}
