import ArgumentParser
import Service

/// How to reach the service; every `flametop remote` subcommand takes these.
struct RemoteOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The service's address.", valueName: "host:port"))
    var server: String

    @Option(help: ArgumentHelp("This client's certificate (PEM).", valueName: "path"))
    var cert: String?

    @Option(help: ArgumentHelp("This client's private key (PEM).", valueName: "path"))
    var key: String?

    @Option(help: ArgumentHelp("The CA that issued the server's certificate (PEM).", valueName: "path"))
    var ca: String?

    @Flag(name: .customLong("insecure-plaintext"), help: "Connect without TLS (a server started with --insecure-plaintext).")
    var insecurePlaintext = false

    func validate() throws {
        let given = [cert, key, ca].compactMap { $0 }.count
        if insecurePlaintext && given > 0 {
            throw ValidationError("--insecure-plaintext excludes --cert, --key and --ca")
        }
        if !insecurePlaintext && given < 3 {
            throw ValidationError("mutual TLS needs --cert, --key and --ca (or --insecure-plaintext for a plaintext test server)")
        }
        _ = try endpoint()
    }

    func endpoint() throws -> ClientEndpoint {
        let security: ClientEndpoint.Security
        if let cert, let key, let ca {
            security = .mutualTLS(certFile: cert, keyFile: key, caFile: ca)
        } else {
            security = .plaintext
        }
        do {
            return try ClientEndpoint(server: server, security: security)
        } catch {
            throw ValidationError("--server: \(error.description)")
        }
    }
}
