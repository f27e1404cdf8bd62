import Foundation

/// A fresh directory under the system temp dir, removed by `remove()` (call it in `defer`).
public struct TemporaryDirectory: Sendable {
    public let url: URL
    public var path: String { url.path }

    public init(prefix: String = "flametop-test") throws {
        let template = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-XXXXXX").path
        var bytes = Array(template.utf8CString)
        guard let created = mkdtemp(&bytes) else {
            throw TestFailure("mkdtemp(\(template)) failed: errno \(errno)")
        }
        url = URL(fileURLWithPath: String(cString: created))
    }

    public func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    public func write(_ name: String, _ contents: String) throws -> String {
        let path = file(name)
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// An error a test helper throws with a message that says what went wrong.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
