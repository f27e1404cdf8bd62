import Foundation

/// The flametop executable built beside the test bundle (`swift build --build-tests`
/// builds both into the same directory), or $FLAMETOP_BIN.
public enum FlametopBinary {
    public static var path: String {
        get throws {
            if let override = ProcessInfo.processInfo.environment["FLAMETOP_BIN"] { return override }
            let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            var directory = testBinary.deletingLastPathComponent()
            // On Linux the runner is .build/<config>/<name>PackageTests.xctest (a file);
            // where it is a bundle directory, step out of it.
            while directory.pathExtension == "xctest" || directory.lastPathComponent == "Contents"
                    || directory.lastPathComponent == "MacOS" {
                directory = directory.deletingLastPathComponent()
            }
            let candidate = directory.appendingPathComponent("flametop").path
            guard FileManager.default.isExecutableFile(atPath: candidate) else {
                throw TestFailure("flametop executable not found at \(candidate): run `swift build --build-tests` (or set FLAMETOP_BIN)")
            }
            return candidate
        }
    }
}
