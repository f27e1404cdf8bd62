import Foundation
import Service
import TestSupport

/// `flametop serve` as a child process, on the port it reports on stderr.
struct ServeProcess {
    let process: RunningProcess
    let port: Int

    /// Writes `toml` to a config file in `directory`, starts the server with
    /// `extraArguments`, and waits until it reports its address.
    static func start(toml: String, in directory: TemporaryDirectory, extraArguments: [String] = ["--debug"],
                      launcher: [String] = []) throws -> ServeProcess {
        let config = try directory.write("profiler-\(UUID().uuidString.prefix(8)).toml", toml)
        let process = try RunningProcess(launcher + [try FlametopBinary.path, "serve", "-c", config] + extraArguments)
        guard process.waitForOutput("serving profiler.v1.ProfilerService on ", timeout: 20),
              let port = Self.port(in: process.stderr) else {
            process.terminate()
            throw TestFailure("flametop serve did not report its address:\n\(process.stderr)")
        }
        return ServeProcess(process: process, port: port)
    }

    /// A configuration on a free loopback port with the test PKI.
    static func toml(_ certificates: TestCertificates, extra: String = "") -> String {
        """
        [server]
        bind_address = "127.0.0.1"
        port = 0
        shutdown_grace_seconds = 10
        [grpc_tls]
        cert_file = "\(certificates.server.certificate)"
        key_file = "\(certificates.server.key)"
        ca_file = "\(certificates.caCertificate)"
        \(extra)
        """
    }

    private static func port(in stderr: String) -> Int? {
        guard let range = stderr.range(of: "serving profiler.v1.ProfilerService on 127.0.0.1:") else { return nil }
        return Int(stderr[range.upperBound...].prefix { $0.isNumber })
    }

    /// The `--server --cert --key --ca` arguments of `flametop remote`.
    func remoteArguments(_ certificates: TestCertificates) -> [String] {
        ["--server", "127.0.0.1:\(port)", "--cert", certificates.client.certificate, "--key", certificates.client.key,
         "--ca", certificates.caCertificate]
    }
}
