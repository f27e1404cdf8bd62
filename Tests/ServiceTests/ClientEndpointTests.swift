import Service
import Testing

/// `--server` addresses as an operator types them.
struct ClientEndpointTests {
    @Test(arguments: [("127.0.0.1:8080", "127.0.0.1", 8080), ("[::1]:9000", "::1", 9000),
                      ("profiler.internal:443", "profiler.internal", 443)])
    func addressesParse(text: String, host: String, port: Int) throws {
        let endpoint = try ClientEndpoint(server: text, security: .plaintext)
        #expect(endpoint.host == host && endpoint.port == port)
    }

    @Test(arguments: ["127.0.0.1", "::1", "[::1]", "[::1:80", "host:", "host:0", "host:70000", "host:http", ":8080"])
    func badAddressesAreRefused(text: String) {
        #expect(throws: ClientError.self) { _ = try ClientEndpoint(server: text, security: .plaintext) }
    }
}
