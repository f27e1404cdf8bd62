import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The HTTP(S)/1.1 listener of the scrape endpoint: mutual TLS with the gRPC server's
/// certificate, key and client CA (or plaintext on loopback, as gRPC), one request per
/// connection, answered when its session ends.
final class ScrapeServer: Sendable {
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let tls: NIOSSLContext?
    private let endpoint: ScrapeEndpoint
    private let host: String
    private let port: Int
    private let channel = Mutex<(any Channel)?>(nil)

    init(host: String, port: Int, tls: NIOSSLContext?, endpoint: ScrapeEndpoint) {
        self.host = host
        self.port = port
        self.tls = tls
        self.endpoint = endpoint
    }

    /// Binds and returns the bound port.
    func start() async throws -> Int {
        let tls = tls, endpoint = endpoint
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ScrapeHandler(endpoint: endpoint))
                }
            }
        let bound = try await bootstrap.bind(host: host, port: port).get()
        channel.withLock { $0 = bound }
        return bound.localAddress?.port ?? port
    }

    /// Stops listening; requests in flight end with the sessions (which a shutdown stops early).
    func stop() async {
        let bound = channel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try? await bound?.close()
    }

    /// Closes the event loop; after `stop`, once the server is done.
    func shutdown() async {
        try? await group.shutdownGracefully()
    }
}

/// One connection's request: waits for its end, asks the endpoint, writes the answer
/// and closes (`Connection: close`).
final class ScrapeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let endpoint: ScrapeEndpoint
    private var head: HTTPRequestHead?

    init(endpoint: ScrapeEndpoint) {
        self.endpoint = endpoint
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            head = request
        case .body:
            break
        case .end:
            guard let request = head else { return }
            head = nil
            let endpoint = endpoint
            let method = request.method.rawValue, uri = request.uri
            let peer = context.remoteAddress.map { "\($0)" } ?? "?"
            let version = request.version
            let promise = context.eventLoop.makePromise(of: ScrapeEndpoint.Response.self)
            promise.completeWithTask { await endpoint.respond(method: method, uri: uri, peer: peer) }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                let (handler, context) = bound.value
                handler.write(response, version: version, context: context)
            }
        }
    }

    /// A failed TLS handshake (no client certificate, another CA) or a broken request:
    /// the connection ends; there is no one to answer.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func write(_ response: ScrapeEndpoint.Response, version: HTTPVersion, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: "\(response.body.count)")
        headers.add(name: "Connection", value: "close")
        if response.status == 200 {
            headers.add(name: "Content-Disposition", value: "attachment; filename=\"profile\"")
        }
        let head = HTTPResponseHead(version: version, status: HTTPResponseStatus(statusCode: response.status),
                                    headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: response.body.count)
        buffer.writeBytes(response.body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
