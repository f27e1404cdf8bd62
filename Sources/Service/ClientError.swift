/// A client-side failure: a bad address, an unreadable file, an incomplete result.
public struct ClientError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
