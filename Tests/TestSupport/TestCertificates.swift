import Foundation

/// A certificate authority with a server and a client certificate, made with
/// openssl for one test: the server's names 127.0.0.1, ::1 and localhost, the
/// client's is for client authentication. A second, unrelated CA issues an
/// "intruder" client certificate that a server trusting the first must refuse.
public struct TestCertificates: Sendable {
    public struct Identity: Sendable {
        public let certificate: String
        public let key: String
    }

    public let directory: TemporaryDirectory
    public let caCertificate: String
    public let server: Identity
    public let client: Identity
    /// Issued by another CA than `caCertificate`.
    public let intruder: Identity
    /// The other CA's certificate (a client trusting it cannot verify the server).
    public let otherCACertificate: String

    /// Creates everything in a new temporary directory; call `remove()` when done.
    public static func make() throws -> TestCertificates {
        let directory = try TemporaryDirectory(prefix: "flametop-pki")
        let ca = try makeCA(in: directory, name: "ca", commonName: "flametop test CA")
        let other = try makeCA(in: directory, name: "other-ca", commonName: "another CA")
        let server = try issue(in: directory, name: "server", commonName: "localhost", by: ca,
                               extensions: "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth")
        let client = try issue(in: directory, name: "client", commonName: "flametop test agent", by: ca,
                               extensions: "extendedKeyUsage=clientAuth")
        let intruder = try issue(in: directory, name: "intruder", commonName: "flametop test agent", by: other,
                                 extensions: "extendedKeyUsage=clientAuth")
        return TestCertificates(directory: directory, caCertificate: ca.certificate, server: server, client: client,
                                intruder: intruder, otherCACertificate: other.certificate)
    }

    public func remove() { directory.remove() }

    private static func makeCA(in directory: TemporaryDirectory, name: String, commonName: String) throws -> Identity {
        let identity = Identity(certificate: directory.file("\(name).crt"), key: directory.file("\(name).key"))
        try Command.check(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-keyout", identity.key, "-out", identity.certificate, "-days", "2",
                           "-subj", "/CN=\(commonName)",
                           "-addext", "basicConstraints=critical,CA:TRUE",
                           "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        return identity
    }

    private static func issue(in directory: TemporaryDirectory, name: String, commonName: String,
                              by ca: Identity, extensions: String) throws -> Identity {
        let identity = Identity(certificate: directory.file("\(name).crt"), key: directory.file("\(name).key"))
        let request = directory.file("\(name).csr")
        let extensionFile = try directory.write("\(name).ext",
                                                "basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n\(extensions)\n")
        try Command.check(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                           "-nodes", "-keyout", identity.key, "-out", request, "-subj", "/CN=\(commonName)"])
        try Command.check(["openssl", "x509", "-req", "-in", request, "-CA", ca.certificate, "-CAkey", ca.key,
                           "-set_serial", "\(UInt32.random(in: 1...UInt32.max))", "-days", "2",
                           "-extfile", extensionFile, "-out", identity.certificate])
        return identity
    }
}
